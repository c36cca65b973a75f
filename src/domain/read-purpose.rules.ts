import { PurposeKey, ReadPurpose } from '../entities/enums';
import { SUBJECT_FIELDS, categoryOf, readListCategories, subjectFieldPresentation, type ReadGeneralization, type SubjectField } from './personal-data.catalogue';

// The enum lives with the other closed vocabularies (the access log stores it, and the
// personal-data catalogue names it without importing these rules); importers keep finding it here.
export { ReadPurpose };

/**
 * The person's own fields on `User` that carry personal data (id, status, source and times do
 * not): the subject's fields of the personal-data catalogue.
 */
export type PersonalField = SubjectField;

/** Lists on `User` about the person. Any other list (a plugin's, the access log) is hidden from every purpose. */
export type RelationField = 'consents' | 'consentHistory' | 'disclosures' | 'recipients' | 'requests' | 'californiaNotices' | 'policyNotices';

/** How a masked field may still be shown, generalized by the anonymization plugin (null when it is off). */
export type Generalization = ReadGeneralization;

export interface ReadPurposeRule {
  /** What the purpose is, in one sentence a reviewer can check the row against. */
  meaning: string;
  /** For marketing: people who have not granted this consent are left out. */
  requiresConsent: PurposeKey | null;
  /**
   * Also leave out people who opted out of sale and sharing with Global Privacy Control
   * (THIRD_PARTY_MARKETING_SHARING withdrawn with source GPC_SIGNAL, 11 CCR 7025).
   */
  honoursGpcOptOut: boolean;
  /** Personal fields shown as stored. */
  fields: readonly PersonalField[];
  /** Personal fields shown only generalized. */
  generalized: Readonly<Partial<Record<PersonalField, Generalization>>>;
  /** Lists about the person that are shown; the others come back empty. */
  relations: readonly RelationField[];
}

/** The subject's fields a purpose sees as stored (the catalogue's `read` of each field). */
const shownTo = (purpose: ReadPurpose): readonly PersonalField[] => SUBJECT_FIELDS.filter((f) => subjectFieldPresentation(f, purpose) === 'AS_STORED').map((f) => f.property);

/** The subject's fields a purpose sees only generalized (the catalogue's `read` of each field). */
function generalizedFor(purpose: ReadPurpose): Readonly<Partial<Record<PersonalField, Generalization>>> {
  const out: Partial<Record<PersonalField, Generalization>> = {};
  for (const f of SUBJECT_FIELDS) {
    const how = subjectFieldPresentation(f, purpose);
    if (how !== null && how !== 'AS_STORED') out[f.property] = how;
  }
  return out;
}

/**
 * THE table. Every personal field not listed for a purpose is masked (null), every list not
 * listed comes back empty. Which personal fields a purpose sees, as stored or generalized, is
 * said field by field in the personal-data catalogue (src/domain/personal-data.catalogue.ts) and
 * read from it here. A unit test checks each row (test/unit/read-purpose-rules.spec.ts).
 */
export const READ_PURPOSE_RULES: Readonly<Record<ReadPurpose, ReadPurposeRule>> = {
  [ReadPurpose.SERVICE]: {
    meaning: 'Providing the service the person asked for: account, orders, delivery, billing.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: shownTo(ReadPurpose.SERVICE),
    generalized: generalizedFor(ReadPurpose.SERVICE),
    // Requests and their notices are rights records (type-access table): no purpose reads them.
    relations: ['consents', 'consentHistory', 'disclosures', 'recipients', 'policyNotices'],
  },
  [ReadPurpose.SUPPORT]: {
    meaning: 'Answering the person when they contact us; the date of birth is not needed for that.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: shownTo(ReadPurpose.SUPPORT),
    generalized: generalizedFor(ReadPurpose.SUPPORT),
    // Requests and their notices are rights records (type-access table): no purpose reads them.
    relations: ['consents', 'consentHistory', 'disclosures', 'recipients', 'policyNotices'],
  },
  [ReadPurpose.PRODUCT_EMAIL]: {
    meaning: 'Our own marketing email: only people who granted PRODUCT_EMAIL, only what addresses them.',
    requiresConsent: PurposeKey.PRODUCT_EMAIL,
    // GPC opts out of sale and sharing; our own email to a consenting person is neither.
    honoursGpcOptOut: false,
    fields: shownTo(ReadPurpose.PRODUCT_EMAIL),
    generalized: generalizedFor(ReadPurpose.PRODUCT_EMAIL),
    relations: ['consents'],
  },
  [ReadPurpose.THIRD_PARTY_OFFERS]: {
    meaning: 'Emailing offers on behalf of other businesses: people who granted THIRD_PARTY_OFFERS and sent no GPC opt-out.',
    requiresConsent: PurposeKey.THIRD_PARTY_OFFERS,
    // Offers on behalf of others are the cross-context marketing GPC opts out of: honour it.
    honoursGpcOptOut: true,
    fields: shownTo(ReadPurpose.THIRD_PARTY_OFFERS),
    generalized: generalizedFor(ReadPurpose.THIRD_PARTY_OFFERS),
    relations: ['consents'],
  },
  [ReadPurpose.ANALYTICS]: {
    meaning: 'Statistics about our users: no name, contact details or precise location; age only as a band.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: shownTo(ReadPurpose.ANALYTICS),
    generalized: generalizedFor(ReadPurpose.ANALYTICS),
    relations: ['consents'],
  },
  [ReadPurpose.SECURITY]: {
    meaning: 'Detecting and investigating fraud and abuse of accounts: who it is and how to reach them, and what was shared.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: shownTo(ReadPurpose.SECURITY),
    generalized: generalizedFor(ReadPurpose.SECURITY),
    relations: ['consentHistory', 'disclosures', 'recipients'],
  },
};

/**
 * The data category (LEGAL.md, fideslang keys) each personal field belongs to, from the
 * catalogue; the access log records the categories of the fields a request returned.
 */
export const FIELD_CATEGORY: Readonly<Record<PersonalField, string>> = Object.fromEntries(SUBJECT_FIELDS.map((f) => [f.property, categoryOf(f)])) as Record<PersonalField, string>;

/**
 * Consents and their history are the person's privacy choices (fideslang `user.privacy_preferences`),
 * from the catalogue; disclosures are of the categories each carried, so reading them records none.
 */
export const RELATION_CATEGORY: Readonly<Partial<Record<RelationField, string>>> = (() => {
  const out: Partial<Record<RelationField, string>> = {};
  // The catalogue's lists must be lists of this table (a compile error otherwise).
  for (const [list, category] of readListCategories()) if (category !== null) out[list] = category;
  return out;
})();

export const PERSONAL_FIELDS = Object.keys(FIELD_CATEGORY) as PersonalField[];
export const READ_PURPOSES = Object.values(ReadPurpose);
