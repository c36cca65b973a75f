import { getMetadataArgsStorage } from 'typeorm';
import {
  LINKED_RECORDS_NOT_CATALOGUED, PERSONAL_DATA, PERSONAL_TABLES, SUBJECT_COLUMNS_ERASED_TO_NULL, SUBJECT_FIELDS, TABLES_DELETED_ON_ERASURE,
  catalogueColumns, fieldsOf, holdFieldCategories, readListCategories, transferCategoryList, transferColumns, transferredSubjectCategories,
  type PersonalFieldEntry,
} from '../../src/domain/personal-data.catalogue';
import { FIELD_CATEGORY, READ_PURPOSE_RULES, RELATION_CATEGORY } from '../../src/domain/read-purpose.rules';
import { coreEntities } from '../../src/entities';
import { TransferPhase } from '../../src/plugins/business-transfer/business-transfer.entity';
import { COLUMNS } from '../../src/plugins/business-transfer/transfer-shared';
import { EXPORT_FILES } from '../../src/plugins/business-transfer/export-files';
import { SUBJECT_COLUMN_NAMES } from '../../src/schema/loaders/subject.loader';

const entry = (table: string, column: string): PersonalFieldEntry => {
  const found = (PERSONAL_DATA as readonly PersonalFieldEntry[]).find((f) => f.table === table && f.column === column);
  if (!found) throw new Error(`${table}.${column} is not in the catalogue`);
  return found;
};

/** The database columns of an entity, by property (explicit names, else the property name). */
function entityColumns(entityName: string): Map<string, string> {
  const entity = coreEntities.find((e) => e.name === entityName);
  if (!entity) throw new Error(`no core entity ${entityName}`);
  return new Map(getMetadataArgsStorage().columns.filter((c) => c.target === entity).map((c) => [c.options.name ?? c.propertyName, c.propertyName]));
}

describe('the personal-data catalogue', () => {
  it('names each field once, and no column both personal and not', () => {
    const keys = PERSONAL_DATA.map((f) => `${f.table}.${f.column}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of PERSONAL_TABLES) {
      const both = fieldsOf(t.table).filter((f) => f.column in t.nonPersonal).map((f) => f.column);
      expect([t.table, both]).toEqual([t.table, []]);
    }
    expect(new Set(PERSONAL_DATA.map((f) => f.table))).toEqual(new Set(PERSONAL_TABLES.map((t) => t.table)));
    for (const t of PERSONAL_TABLES) expect(LINKED_RECORDS_NOT_CATALOGUED[t.table]).toBeUndefined();
  });

  it.each(PERSONAL_TABLES.map((t) => [t.table, t.entity]))('%s: its columns are exactly the entity %s\'s, each personal field under the entity\'s property', (table, entityName) => {
    const columns = entityColumns(entityName);
    expect([...columns.keys()].sort()).toEqual(catalogueColumns(table).sort());
    for (const f of fieldsOf(table)) expect([f.column, f.property]).toEqual([f.column, columns.get(f.column)]);
  });

  it('says for each field what erasure does, in line with what erasure does to its table', () => {
    const allowed = { TOMBSTONE: ['NULL'], DELETE_ROWS: ['DELETE_ROW'], UNLINK: ['KEEP_UNLINKED'], DE_IDENTIFY_OR_DELETE: ['deIdentify'] } as const;
    for (const t of PERSONAL_TABLES)
      for (const f of fieldsOf(t.table)) {
        const kind = typeof f.erasure === 'string' ? f.erasure : 'deIdentify';
        expect([`${t.table}.${f.column}`, (allowed[t.erasure] as readonly string[]).includes(kind)]).toEqual([`${t.table}.${f.column}`, true]);
      }
  });

  it('returns every personal field to the person who asks for access', () => {
    expect(PERSONAL_DATA.filter((f) => f.access !== 'RETURNED').map((f) => `${f.table}.${f.column}`)).toEqual([]);
  });

  describe('facts at the edges', () => {
    it('the street address: the postal address, erased to NULL, held with its category, exported at closing only, read by SERVICE and SUPPORT', () => {
      expect(entry('subjects', 'street_address')).toEqual({
        table: 'subjects', column: 'street_address', property: 'streetAddress',
        categories: ['user.contact.address'],
        erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
        transfer: { CLOSING: { file: 'subjects', column: 'streetAddress' }, DUE_DILIGENCE: null },
        read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED' },
        access: 'RETURNED',
      });
    });

    it('region and country: imprecise location, not the postal address, everywhere they are used', () => {
      for (const column of ['region', 'country']) expect(entry('subjects', column).categories).toEqual(['user.location.imprecise']);
      expect(entry('collection_events', 'region').categories).toEqual(['user.location.imprecise']);
      expect([FIELD_CATEGORY.region, FIELD_CATEGORY.country]).toEqual(['user.location.imprecise', 'user.location.imprecise']);
      expect(holdFieldCategories('subjects')).toMatchObject({ region: ['user.location.imprecise'], country: ['user.location.imprecise'] });
      expect(transferredSubjectCategories('CLOSING')).toEqual(expect.arrayContaining([['region', 'user.location.imprecise'], ['country', 'user.location.imprecise']]));
      // The postal address is street, city and postal code.
      expect(SUBJECT_FIELDS.filter((f) => f.categories[0] === 'user.contact.address').map((f) => f.column)).toEqual(['street_address', 'city', 'postal_code']);
    });

    it('every field of the subject goes to NULL on erasure; consent history, consents and email opens are deleted, in that order', () => {
      expect(SUBJECT_COLUMNS_ERASED_TO_NULL).toEqual(['name', 'email', 'phone', 'street_address', 'city', 'postal_code', 'region', 'country', 'birth_date', 'age_range']);
      expect(TABLES_DELETED_ON_ERASURE).toEqual(['consent_events', 'consents', 'email_opens']);
      expect(PERSONAL_TABLES.map((t) => [t.table, t.erasure])).toEqual([
        ['subjects', 'TOMBSTONE'], ['consent_events', 'DELETE_ROWS'], ['consents', 'DELETE_ROWS'], ['email_opens', 'DELETE_ROWS'],
        ['collection_events', 'DE_IDENTIFY_OR_DELETE'], ['disclosures', 'UNLINK'],
      ]);
    });

    it('a visit loses its device and cookie ids, keeps its region and privacy signals, and has the rest generalized', () => {
      const how = Object.fromEntries(fieldsOf('collection_events').map((f) => [f.column, typeof f.erasure === 'object' ? f.erasure.deIdentify : f.erasure]));
      expect(how).toEqual({
        ip_address: 'GENERALIZE', latitude: 'GENERALIZE', longitude: 'GENERALIZE', geo_accuracy_m: 'GENERALIZE', region: 'KEEP',
        device_id: 'NULL', cookie_id: 'NULL', user_agent: 'GENERALIZE', page: 'GENERALIZE', dnt: 'KEEP', gpc: 'KEEP',
      });
    });

    it('due diligence exports the region and an age band of the person, nothing else of theirs; closing every field', () => {
      expect(SUBJECT_FIELDS.filter((f) => f.transfer.DUE_DILIGENCE).map((f) => [f.property, f.transfer.DUE_DILIGENCE])).toEqual([
        ['region', { file: 'subjects', column: 'region', generalized: 'REGION' }],
        ['birthDate', { file: 'subjects', column: 'ageBand', generalized: 'AGE_BAND', category: 'user.demographic.age_range' }],
        ['ageRange', { file: 'subjects', column: 'ageBand', generalized: 'AGE_BAND' }],
      ]);
      expect(transferColumns('DUE_DILIGENCE', 'subjects', 'subjects')).toEqual(['region', 'ageBand']);
      // A table's fields go to the file the catalogue names, and to no other.
      expect(transferColumns('CLOSING', 'consent_events', 'subjects')).toEqual([]);
      expect(transferColumns('CLOSING', 'subjects', 'consents')).toEqual([]);
      expect(transferColumns('CLOSING', 'consent_events', 'consents').length).toBeGreaterThan(0);
      expect(transferCategoryList('DUE_DILIGENCE')).toEqual(['user.demographic.age_range', 'user.location.imprecise']);
      expect(SUBJECT_FIELDS.every((f) => f.transfer.CLOSING !== null)).toBe(true);
      expect(transferCategoryList('CLOSING')).toEqual([
        'user.contact.address', 'user.contact.email', 'user.contact.phone_number', 'user.demographic.age_range', 'user.demographic.date_of_birth', 'user.location.imprecise', 'user.name',
      ]);
      // No visit or email open leaves in a transfer.
      expect(PERSONAL_DATA.filter((f) => (f.table === 'collection_events' || f.table === 'email_opens') && (f.transfer.CLOSING || f.transfer.DUE_DILIGENCE))).toEqual([]);
    });

    it('a legal hold filters the subject\'s fields and a visit\'s by category, and copies consents, history and disclosures whole', () => {
      expect(Object.keys(holdFieldCategories('subjects'))).toEqual(SUBJECT_COLUMNS_ERASED_TO_NULL);
      expect(holdFieldCategories('collection_events')).toEqual({
        ip_address: ['user.device.ip_address'],
        latitude: ['user.location.precise', 'user.location.imprecise'],
        longitude: ['user.location.precise', 'user.location.imprecise'],
        geo_accuracy_m: ['user.location.precise', 'user.location.imprecise'],
        region: ['user.location.imprecise'],
        device_id: ['user.device.device_id'],
        cookie_id: ['user.device.cookie_id'],
        user_agent: ['user.device'],
        page: ['user.behavior.browsing_history'],
      });
      for (const table of ['consents', 'consent_events', 'disclosures'] as const) expect(holdFieldCategories(table)).toEqual({});
      expect(fieldsOf('email_opens').map((f) => f.hold)).toEqual(['NOT_COPIED']);
    });
  });

  describe('what is derived from it', () => {
    it('the read-purpose table: each purpose\'s fields, as the table had them by hand', () => {
      const fields = Object.fromEntries(Object.entries(READ_PURPOSE_RULES).map(([p, r]) => [p, [r.fields, r.generalized]]));
      expect(fields).toEqual({
        SERVICE: [['name', 'email', 'phone', 'streetAddress', 'city', 'postalCode', 'region', 'country', 'birthDate', 'ageRange'], {}],
        SUPPORT: [['name', 'email', 'phone', 'streetAddress', 'city', 'postalCode', 'region', 'country', 'ageRange'], {}],
        PRODUCT_EMAIL: [['name', 'email', 'region', 'country'], {}],
        THIRD_PARTY_OFFERS: [['name', 'email', 'region', 'country'], {}],
        ANALYTICS: [['region', 'country'], { ageRange: 'AGE_BAND' }],
        SECURITY: [['name', 'email', 'phone', 'region', 'country'], {}],
      });
      expect(RELATION_CATEGORY).toEqual({ consents: 'user.privacy_preferences', consentHistory: 'user.privacy_preferences' });
      expect(readListCategories().get('disclosures')).toBeNull();
    });

    it('the business-transfer files\' columns', () => {
      expect(COLUMNS.CLOSING).toEqual({
        subjects: ['id', 'name', 'email', 'phone', 'streetAddress', 'city', 'postalCode', 'region', 'country', 'birthDate', 'ageRange', 'source', 'createdAt', 'updatedAt'],
        consents: ['subjectId', 'purpose', 'status', 'source', 'policyVersion', 'version', 'updatedAt', 'history'],
        disclosures: ['id', 'subjectId', 'recipientId', 'recipientName', 'recipientKind', 'purpose', 'identifiable', 'transactionReference', 'occurredAt', 'categories'],
      });
      // Due diligence releases classes, not people: no pseudonym, a class's values and its size (issue 26, point 4).
      expect(COLUMNS.DUE_DILIGENCE).toEqual({
        subjects: ['region', 'ageBand', 'signupMonth', 'subjects'],
        consents: ['purpose', 'status', 'subjects'],
        disclosures: ['purpose', 'subjects', 'disclosures'],
      });
      // The catalogue's phases and files are the plugin's.
      expect(Object.values(TransferPhase).sort()).toEqual(['CLOSING', 'DUE_DILIGENCE']);
      const files = new Set(PERSONAL_DATA.flatMap((f) => [f.transfer.CLOSING?.file, f.transfer.DUE_DILIGENCE?.file]).filter(Boolean));
      for (const f of files) expect(EXPORT_FILES).toContain(f);
    });

    it('the subject loader\'s columns', () => {
      expect([...SUBJECT_COLUMN_NAMES].sort()).toEqual(catalogueColumns('subjects').sort());
    });
  });
});
