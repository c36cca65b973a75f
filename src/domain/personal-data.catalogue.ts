import type { ReadPurpose } from '../entities/enums';

/**
 * THE personal-data catalogue: every personal field of every table that holds a person's data,
 * with its data category and what each part of the gateway does with it. Erasure, legal-hold
 * preservation, business-transfer exports, the read-purpose table and the demo data take their
 * column lists and categories from here; a test compares these tables' real columns (after the
 * migrations) with this file, so a new column must be classified, personal or not, before it ships
 * (test/integration/personal-data-catalogue.int-spec.ts, test/unit/personal-data-catalogue.spec.ts).
 *
 * What counts as personal: a value about the person, saying who they are, how to reach them,
 * where they are, what they chose, what they did, or what was done with their data. Keys (ids,
 * the subject_id link, links to business records), bookkeeping times and counters, and the state
 * of a record itself are not personal on their own: they are listed per table under
 * `nonPersonal`, with the reason. They tell something about a person only through the link to
 * the subject, which erasure removes (the rows are deleted or unlinked, the subject becomes a
 * tombstone).
 *
 * Longer than 400 lines on purpose: it is data, one entry per column, and splitting it by table
 * would scatter the one list a reviewer reads to know what the gateway holds about a person.
 */

/**
 * fideslang data-category keys (LEGAL.md's table), plus `user.privacy_preferences` (consents and
 * privacy signals), `user.disclosure_history` (the record of disclosures about a person, an
 * extension of the taxonomy) and `user.behavior` (an email open). Only the keys seeded in
 * `data_categories` may be named by a disclosure or a legal hold: privacy preferences and the
 * disclosure history are (a closing transfer's disclosure names them), but no hold may name them.
 */
export type CategoryKey =
  | 'user.name'
  | 'user.contact.email'
  | 'user.contact.phone_number'
  | 'user.contact.address'
  | 'user.device.ip_address'
  | 'user.location.precise'
  | 'user.location.imprecise'
  | 'user.device.device_id'
  | 'user.device.cookie_id'
  | 'user.device'
  | 'user.behavior.browsing_history'
  | 'user.financial.credit_card'
  | 'user.demographic.date_of_birth'
  | 'user.demographic.age_range'
  | 'user.privacy_preferences'
  | 'user.disclosure_history'
  | 'user.behavior';

/**
 * The categories of records about a person rather than fields of them: their consents with their
 * history, and the record of disclosures about them. A closing transfer's disclosure names them;
 * no hold may (only a hold of every category keeps those records, erasure-scope.ts).
 */
export const CONSENT_HISTORY_CATEGORY: CategoryKey = 'user.privacy_preferences';
export const DISCLOSURE_LOG_CATEGORY: CategoryKey = 'user.disclosure_history';
export const RECORD_CATEGORIES: readonly CategoryKey[] = [CONSENT_HISTORY_CATEGORY, DISCLOSURE_LOG_CATEGORY];

/** The tables that hold a person's data field by field. */
export type PersonalTableName = 'subjects' | 'consent_events' | 'consents' | 'email_opens' | 'collection_events' | 'disclosures';

/**
 * What an erasure does to the subject's rows of a table (src/domain/erasure.service.ts):
 * - TOMBSTONE: the row stays (id, status, times), its personal fields are erased as each says;
 * - DELETE_ROWS: the rows are deleted;
 * - DE_IDENTIFY_OR_DELETE: the anonymization plugin's erasure step de-identifies and unlinks the
 *   rows (each field says how); with the plugin off the core deletes them;
 * - UNLINK: the rows stay with subject_id NULL, their fields as they were.
 */
export type TableErasure = 'TOMBSTONE' | 'DELETE_ROWS' | 'DE_IDENTIFY_OR_DELETE' | 'UNLINK';

export interface PersonalTable {
  readonly table: PersonalTableName;
  /** The entity class in src/entities. */
  readonly entity: string;
  readonly erasure: TableErasure;
  readonly erasureWhy: string;
  /** Every column of the table that is not personal, and why. */
  readonly nonPersonal: Readonly<Record<string, string>>;
  /**
   * How an access request presents the table's rows to the person (CCPA 1798.110(a)): the
   * section's title, where the data came from (the category of source) and why it is collected.
   */
  readonly access: {
    readonly title: string;
    readonly source: string;
    readonly purposes: string;
    /** The order rows are read and listed in, after subject_id: an index's columns, so the package reads in keyset pages. */
    readonly order: readonly string[];
    /**
     * That index, on (subject_id, ...order): named in the page's query, because MariaDB otherwise
     * reads a later page by `ref` on subject_id alone, walking every earlier entry (a million-event
     * history took 17.5 s of reads instead of 3).
     */
    readonly index: string;
  };
}

/**
 * The tables, in the order erasure deletes from them (consent history before the consents, then
 * email opens). Subjects are written last by the erasure, as the tombstone that closes it.
 */
export const PERSONAL_TABLES: readonly PersonalTable[] = [
  {
    table: 'subjects',
    entity: 'Subject',
    erasure: 'TOMBSTONE',
    erasureWhy: 'The request record and the audit chain point at the subject: the row stays as a tombstone (id, status, times), with every personal field gone.',
    access: { title: 'Your record', source: 'you, through our contact form and when you deal with us', purposes: 'to answer you, to provide our services, and to send the emails you agreed to', order: ['id'], index: 'PRIMARY' },
    nonPersonal: {
      id: 'key',
      status: 'the state of the record (ACTIVE, ERASED), kept on the tombstone',
      source: 'how the record came in (contact form, import...), a fact about the record, kept on the tombstone',
      created_at: 'bookkeeping time',
      updated_at: 'bookkeeping time',
      erased_at: 'bookkeeping time of the erasure',
    },
  },
  {
    table: 'consent_events',
    entity: 'ConsentEvent',
    erasure: 'DELETE_ROWS',
    erasureWhy: 'Consent history is about the person alone; nothing of it is needed once they are erased.',
    access: { title: 'Your consent history: every choice you made, in order', source: 'you, through our website, our emails and our staff', purposes: 'to record your choices and to prove what you agreed to', order: ['purpose', 'seq'], index: 'uq_consent_events_seq' },
    nonPersonal: {
      id: 'key',
      subject_id: 'link to the subject',
      seq: 'counter of the event within its consent',
      occurred_at: 'bookkeeping time',
      recorded_by: 'who recorded the change: a staff member, an app or the system, not the person',
    },
  },
  {
    table: 'consents',
    entity: 'Consent',
    erasure: 'DELETE_ROWS',
    erasureWhy: 'The current consents are derived from the history and go with it.',
    access: { title: 'Your current consents', source: 'you, through our website, our emails and our staff', purposes: 'to respect your current choices', order: ['purpose'], index: 'uq_consents_subject_purpose' },
    nonPersonal: {
      id: 'key',
      subject_id: 'link to the subject',
      version: 'counter of the events behind the state',
      updated_at: 'bookkeeping time',
    },
  },
  {
    table: 'email_opens',
    entity: 'EmailOpen',
    erasure: 'DELETE_ROWS',
    erasureWhy: 'An email open is kept only for the person it was tracked for (with consent); it goes with them.',
    access: { title: 'Emails of ours you opened (tracked only with your consent)', source: "your email program, when it loaded our emails' tracking image", purposes: 'to measure whether our emails are read, with your consent', order: ['opened_at', 'id'], index: 'idx_email_opens_subject_time' },
    nonPersonal: {
      id: 'key',
      subject_id: 'link to the subject',
      pixel_key: 'a hash that identifies the message, so that one message counts once; it says nothing about the person',
      opened_at: 'bookkeeping time',
    },
  },
  {
    table: 'collection_events',
    entity: 'CollectionEvent',
    erasure: 'DE_IDENTIFY_OR_DELETE',
    erasureWhy: 'Usage counts may outlive the person if they cannot identify them (LEGAL.md, Aggregates): the anonymization plugin generalizes and unlinks the events; without it they are deleted.',
    access: { title: 'Your visits to our website, as our server logs record them', source: "your browser and device, through our web servers' logs", purposes: 'to run and secure our website and to count its use', order: ['occurred_at', 'id'], index: 'idx_collection_events_subject_time' },
    nonPersonal: {
      id: 'key',
      subject_id: 'link to the subject (NULL for visits of no known person, and after erasure)',
      de_identified: 'the state of the record: whether erasure has de-identified it',
      occurred_at: 'bookkeeping time; de-identification truncates it to the month',
    },
  },
  {
    table: 'disclosures',
    entity: 'Disclosure',
    erasure: 'UNLINK',
    erasureWhy: 'The disclosure log is the company\'s record of what it shared and with whom (counts, notices already sent to recipients); after erasure it no longer names the person.',
    access: { title: 'Every disclosure of your information: to whom, when, why and what', source: 'our own records of what we shared', purposes: 'to keep the record the law asks of what we shared and with whom', order: ['occurred_at', 'id'], index: 'idx_disclosures_subject_time' },
    nonPersonal: {
      id: 'key',
      subject_id: 'link to the subject (NULL for aggregates, and after erasure)',
      recipient_id: 'link to the recipient, a business, not the person',
      occurred_at: 'bookkeeping time',
      recorded_by: 'who recorded the disclosure: staff, an app or the system, not the person',
      created_at: 'bookkeeping time',
    },
  },
];

/**
 * Tables that point at a subject (a subject_id column) but hold no personal field of their own,
 * so the catalogue does not describe them field by field, and why. The schema test fails for a
 * table with a subject_id column that is in neither list.
 */
export const LINKED_RECORDS_NOT_CATALOGUED: Readonly<Record<string, string>> = {
  data_requests: 'the record of a rights request (type, channel, dates, outcome), which may be kept after the deletion it asked for (11 CCR 7022)',
  policy_notices: 'the proof that a policy version was notified (channel and times), kept with the tombstone',
  access_log: 'who read about the person, why and which categories: no personal value (README, Access log)',
  legal_hold_subjects: 'the scope of a legal hold, the record of a legal matter placed and released by legal',
  disclosure_categories: 'the categories a disclosure carried; its subject_id is a copy of the disclosure\'s, kept by triggers so that erasure\'s unlinking of the disclosure unlinks it too (migration 1766000400000)',
  legal_hold_preserved_records: 'copies of the catalogued fields, made by a hold as each field\'s `hold` says, purged once no hold covers them',
  correction_requests: 'what a person sent with a correction request (their statement): erasure clears it',
  correction_changes: 'the fields a person asked to correct, with the value they proposed and the decision: erasure clears the proposed values, the decisions stay with the request record',
  access_packages: 'the sealed answer to an access request: a copy of what the catalogue lists, purged after its retention and at erasure',
  legal_hold_pending_copies: 'which held people still have their history to copy, and the bounds of what existed at placement: ids only, deleted as the copy is made or the hold released',
};

/**
 * What erasure does to one field, within its table's erasure:
 * - 'NULL': set to NULL on the tombstone;
 * - 'DELETE_ROW': deleted with its row;
 * - 'KEEP_UNLINKED': kept on the row that erasure unlinks from the person;
 * - { deIdentify }: what the anonymization plugin does to it (with the plugin off the row is
 *   deleted): 'NULL', 'KEEP' (already coarse enough, with why) or 'GENERALIZE' (with how).
 */
export type FieldErasure =
  | 'NULL'
  | 'DELETE_ROW'
  | 'KEEP_UNLINKED'
  | { readonly deIdentify: 'NULL' }
  | { readonly deIdentify: 'KEEP'; readonly why: string }
  | { readonly deIdentify: 'GENERALIZE'; readonly how: string };

/**
 * What a legal hold's preserved copy (legal_hold_preserved_records, src/plugins/legal-hold/preservation.ts)
 * keeps of a field. Whatever it says, an active hold blocks the subject's erasure as a whole (the
 * plugin's vetoErasure), so the live value stays as well.
 * - IF_CATEGORY_HELD: copied when the hold names no category or one of the field's categories;
 * - WITH_RECORD: copied whenever its record is;
 * - NOT_COPIED: no copy is made.
 * Which records are copied is the plugin's: the subject always; consents always; consent history,
 * disclosures and visits within the hold's dates; of those, for a hold that names categories, a
 * disclosure that carried one of them and a visit with a value in one of them.
 */
export type HoldCopy = 'IF_CATEGORY_HELD' | 'WITH_RECORD' | 'NOT_COPIED';

/** The business-transfer phases (TransferPhase of the business-transfer plugin). */
export type TransferPhaseName = 'CLOSING' | 'DUE_DILIGENCE';
/** The files of an export (ExportFile of the business-transfer plugin). */
export type ExportFileName = 'subjects' | 'consents' | 'disclosures';
/**
 * How due diligence generalizes what it exports: REGION and AGE_BAND are k-anonymized at
 * assembly (region up to the country or `*`, age to its band); COUNT exports only how many.
 */
export type TransferGeneralization = 'REGION' | 'AGE_BAND' | 'COUNT';

/** What one phase exports of a field: into `column` of `file` (`<PURPOSE>`: one column per purpose). */
export interface TransferExport {
  readonly file: ExportFileName;
  readonly column: string;
  /** Exported generalized rather than as stored. */
  readonly generalized?: TransferGeneralization;
  /** The category of what is exported, where generalizing changes it (a birth date exported as an age band). */
  readonly category?: CategoryKey;
}

/** How a read purpose may present a field generalized (by the anonymization plugin; null without it). */
export type ReadGeneralization = 'AGE_BAND';

/**
 * How the read purposes (src/domain/read-purpose.rules.ts) present a field:
 * - a field of `User`: a map from purpose to 'AS_STORED' or a generalization; a purpose it does
 *   not name sees null;
 * - { list }: an item of a list on `User`, shown whole to the purposes whose row in the
 *   read-purpose table lists it, an empty list to the others;
 * - null: no read returns it.
 */
export type ReadPresentation =
  | Readonly<Partial<Record<ReadPurpose, 'AS_STORED' | ReadGeneralization>>>
  | { readonly list: 'consents' | 'consentHistory' | 'disclosures' }
  | null;

/** What an access request (a later issue) answers with the field: returned to the person, or withheld and why. */
export type AccessAnswer = 'RETURNED' | { readonly withheld: string };

export interface PersonalFieldEntry {
  readonly table: PersonalTableName;
  readonly column: string;
  /** The property of the table's entity. */
  readonly property: string;
  /**
   * The fideslang categories the value may fall under; most fields have one, a geolocation has
   * two (precise under 500 m of accuracy, imprecise above: a hold naming either keeps it). The first
   * is the field's category where one is recorded (the access log, a transfer's disclosure).
   * 'CARRIED': a disclosure is of the categories it carried (its disclosure_categories rows).
   */
  readonly categories: readonly [CategoryKey, ...CategoryKey[]] | 'CARRIED';
  readonly erasure: FieldErasure;
  readonly hold: HoldCopy;
  /** What each business-transfer phase exports of it (null: nothing). */
  readonly transfer: Readonly<Record<TransferPhaseName, TransferExport | null>>;
  readonly read: ReadPresentation;
  readonly access: AccessAnswer;
}

const ALL_PURPOSES_AS_STORED = {
  SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED', PRODUCT_EMAIL: 'AS_STORED', THIRD_PARTY_OFFERS: 'AS_STORED', ANALYTICS: 'AS_STORED', SECURITY: 'AS_STORED',
} as const;
const NOT_EXPORTED = { CLOSING: null, DUE_DILIGENCE: null } as const;

/** THE catalogue, table by table (PERSONAL_TABLES says what each table's rows are). */
export const PERSONAL_DATA = [
  // -- subjects: the person's own record. Erasure sets every field to NULL; a hold copies the
  //    fields of the categories it names; closing exports them as stored, due diligence only
  //    the region and an age band, k-anonymized.
  {
    table: 'subjects', column: 'name', property: 'name',
    categories: ['user.name'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'name' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED', PRODUCT_EMAIL: 'AS_STORED', THIRD_PARTY_OFFERS: 'AS_STORED', SECURITY: 'AS_STORED' },
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'email', property: 'email',
    categories: ['user.contact.email'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'email' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED', PRODUCT_EMAIL: 'AS_STORED', THIRD_PARTY_OFFERS: 'AS_STORED', SECURITY: 'AS_STORED' },
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'phone', property: 'phone',
    categories: ['user.contact.phone_number'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'phone' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED', SECURITY: 'AS_STORED' },
    access: 'RETURNED',
  },
  // Street, city and postal code are what a letter is addressed to: the postal address of
  // LEGAL.md's table, user.contact.address ("Name and address" in a Shine-the-Light notice).
  {
    table: 'subjects', column: 'street_address', property: 'streetAddress',
    categories: ['user.contact.address'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'streetAddress' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED' },
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'city', property: 'city',
    categories: ['user.contact.address'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'city' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED' },
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'postal_code', property: 'postalCode',
    categories: ['user.contact.address'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'postalCode' }, DUE_DILIGENCE: null },
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED' },
    access: 'RETURNED',
  },
  // Region (ISO 3166-2, e.g. US-CA) and country say where the person lives at the level of a
  // state or a country: a location far coarser than 500 m, so user.location.imprecise, the
  // category the same ISO 3166-2 value has on a collection event. They are not the postal
  // address: nobody can be written to at "US-CA"; the read purposes that may see no contact
  // details (ANALYTICS) see them; due diligence exports the region as its one location; and
  // counted as user.contact.address a region alone would put "Name and address" in a person's
  // Shine-the-Light notice when no address was disclosed. (fideslang also has
  // user.contact.address.state/.country for the parts of a mailing address; data_categories has
  // no such sub-keys, and the gateway treats the postal address as one category.)
  {
    table: 'subjects', column: 'region', property: 'region',
    categories: ['user.location.imprecise'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'region' }, DUE_DILIGENCE: { file: 'subjects', column: 'region', generalized: 'REGION' } },
    read: ALL_PURPOSES_AS_STORED,
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'country', property: 'country',
    categories: ['user.location.imprecise'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'country' }, DUE_DILIGENCE: null },
    read: ALL_PURPOSES_AS_STORED,
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'birth_date', property: 'birthDate',
    categories: ['user.demographic.date_of_birth'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    // Due diligence: the age band on the transfer's generation day (the stored range when there is no birth date).
    transfer: {
      CLOSING: { file: 'subjects', column: 'birthDate' },
      DUE_DILIGENCE: { file: 'subjects', column: 'ageBand', generalized: 'AGE_BAND', category: 'user.demographic.age_range' },
    },
    read: { SERVICE: 'AS_STORED' },
    access: 'RETURNED',
  },
  {
    table: 'subjects', column: 'age_range', property: 'ageRange',
    categories: ['user.demographic.age_range'],
    erasure: 'NULL', hold: 'IF_CATEGORY_HELD',
    transfer: { CLOSING: { file: 'subjects', column: 'ageRange' }, DUE_DILIGENCE: { file: 'subjects', column: 'ageBand', generalized: 'AGE_BAND' } },
    // ANALYTICS sees the band of the birth date (or the stored range) rather than either value.
    read: { SERVICE: 'AS_STORED', SUPPORT: 'AS_STORED', ANALYTICS: 'AGE_BAND' },
    access: 'RETURNED',
  },

  // -- consent_events: the append-only consent history, the person's privacy choices.
  //    Closing exports it as each consent's `history`; due diligence not at all.
  {
    table: 'consent_events', column: 'purpose', property: 'purpose',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'history' }, DUE_DILIGENCE: null },
    read: { list: 'consentHistory' },
    access: 'RETURNED',
  },
  {
    table: 'consent_events', column: 'status', property: 'status',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'history' }, DUE_DILIGENCE: null },
    read: { list: 'consentHistory' },
    access: 'RETURNED',
  },
  {
    table: 'consent_events', column: 'source', property: 'source',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'history' }, DUE_DILIGENCE: null },
    read: { list: 'consentHistory' },
    access: 'RETURNED',
  },
  {
    table: 'consent_events', column: 'policy_version', property: 'policyVersion',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'history' }, DUE_DILIGENCE: null },
    read: { list: 'consentHistory' },
    access: 'RETURNED',
  },

  // -- consents: the current consent per purpose. Closing exports them; due diligence only the
  //    counts of released people per purpose and status (consents file), small counts suppressed.
  {
    table: 'consents', column: 'purpose', property: 'purpose',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'purpose' }, DUE_DILIGENCE: { file: 'consents', column: 'subjects', generalized: 'COUNT' } },
    read: { list: 'consents' },
    access: 'RETURNED',
  },
  {
    table: 'consents', column: 'status', property: 'status',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'status' }, DUE_DILIGENCE: { file: 'consents', column: 'subjects', generalized: 'COUNT' } },
    read: { list: 'consents' },
    access: 'RETURNED',
  },
  {
    table: 'consents', column: 'source', property: 'source',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'source' }, DUE_DILIGENCE: null },
    read: { list: 'consents' },
    access: 'RETURNED',
  },
  {
    table: 'consents', column: 'policy_version', property: 'policyVersion',
    categories: ['user.privacy_preferences'],
    erasure: 'DELETE_ROW', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'consents', column: 'policyVersion' }, DUE_DILIGENCE: null },
    read: { list: 'consents' },
    access: 'RETURNED',
  },

  // -- email_opens: an open seen through the tracking pixel (kept only with EMAIL_OPEN_TRACKING).
  //    Observed behaviour: user.behavior (fideslang has no finer key for opening an email).
  //    No hold copies it, no export carries it, no read returns it.
  {
    table: 'email_opens', column: 'campaign', property: 'campaign',
    categories: ['user.behavior'],
    erasure: 'DELETE_ROW', hold: 'NOT_COPIED',
    transfer: NOT_EXPORTED,
    read: null,
    access: 'RETURNED',
  },

  // -- collection_events: what the server logs record about a visit (LEGAL.md's categories).
  //    No export carries them and no read returns them.
  {
    table: 'collection_events', column: 'ip_address', property: 'ipAddress',
    categories: ['user.device.ip_address'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to its network: /24 for IPv4, /48 for IPv6' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'latitude', property: 'latitude',
    categories: ['user.location.precise', 'user.location.imprecise'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to a cell of about 10 km' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'longitude', property: 'longitude',
    categories: ['user.location.precise', 'user.location.imprecise'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to a cell of about 10 km' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  // The accuracy decides whether the coordinates are precise (under 500 m): part of the location.
  {
    table: 'collection_events', column: 'geo_accuracy_m', property: 'geoAccuracyM',
    categories: ['user.location.precise', 'user.location.imprecise'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to 10,000 m, the size of the cell (NULL without coordinates)' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'region', property: 'region',
    categories: ['user.location.imprecise'],
    erasure: { deIdentify: 'KEEP', why: 'a state or country is already coarse; usage counts by region stay' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'device_id', property: 'deviceId',
    categories: ['user.device.device_id'],
    erasure: { deIdentify: 'NULL' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'cookie_id', property: 'cookieId',
    categories: ['user.device.cookie_id'],
    erasure: { deIdentify: 'NULL' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'user_agent', property: 'userAgent',
    categories: ['user.device'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to the browser family and device type' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'page', property: 'page',
    categories: ['user.behavior.browsing_history'],
    erasure: { deIdentify: 'GENERALIZE', how: 'to its path: the query string and fragment may carry tokens, emails or ids' }, hold: 'IF_CATEGORY_HELD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  // Do Not Track and Global Privacy Control as the browser sent them: privacy signals, so the
  // person's privacy preferences. A hold copies them with the event whatever its categories
  // (no hold can name user.privacy_preferences); de-identified events keep them for counts.
  {
    table: 'collection_events', column: 'dnt', property: 'dnt',
    categories: ['user.privacy_preferences'],
    erasure: { deIdentify: 'KEEP', why: 'a yes/no signal identifies nobody once the event is unlinked' }, hold: 'WITH_RECORD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },
  {
    table: 'collection_events', column: 'gpc', property: 'gpc',
    categories: ['user.privacy_preferences'],
    erasure: { deIdentify: 'KEEP', why: 'a yes/no signal identifies nobody once the event is unlinked' }, hold: 'WITH_RECORD',
    transfer: NOT_EXPORTED, read: null, access: 'RETURNED',
  },

  // -- disclosures: what was shared about the person, why, and whether it identified them. A
  //    disclosure is of the categories it carried (disclosure_categories). Erasure unlinks it; a
  //    hold copies it whole when its dates cover it and it carried a held category (or the hold
  //    names none). Closing exports the person's disclosures; due diligence only the number of
  //    released people disclosed per purpose, and of disclosures (disclosures file).
  {
    table: 'disclosures', column: 'purpose', property: 'purpose',
    categories: 'CARRIED',
    erasure: 'KEEP_UNLINKED', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'disclosures', column: 'purpose' }, DUE_DILIGENCE: { file: 'disclosures', column: 'subjects', generalized: 'COUNT' } },
    read: { list: 'disclosures' },
    access: 'RETURNED',
  },
  {
    table: 'disclosures', column: 'identifiable', property: 'identifiable',
    categories: 'CARRIED',
    erasure: 'KEEP_UNLINKED', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'disclosures', column: 'identifiable' }, DUE_DILIGENCE: null },
    read: { list: 'disclosures' },
    access: 'RETURNED',
  },
  // An order or transaction number ties the disclosure to one of the person's dealings. Erasure
  // keeps it on the unlinked disclosure, as it always has; where the company's own order records
  // outlive the person, it could point back at them (to be decided with the erasure's owners).
  {
    table: 'disclosures', column: 'transaction_reference', property: 'transactionReference',
    categories: 'CARRIED',
    erasure: 'KEEP_UNLINKED', hold: 'WITH_RECORD',
    transfer: { CLOSING: { file: 'disclosures', column: 'transactionReference' }, DUE_DILIGENCE: null },
    read: { list: 'disclosures' },
    access: 'RETURNED',
  },
] as const satisfies readonly PersonalFieldEntry[];

type Entry = (typeof PERSONAL_DATA)[number];
type SubjectEntry = Extract<Entry, { table: 'subjects' }>;
/** A personal field of the subject, as the entity and `User` name it. */
export type SubjectField = SubjectEntry['property'];
/** A personal column of `subjects`. */
export type SubjectColumn = SubjectEntry['column'];
/** The personal columns of a table. */
export type PersonalColumnOf<T extends PersonalTableName> = Extract<Entry, { table: T }>['column'];

/** The personal columns of a table, in catalogue order. */
export function personalColumns<T extends PersonalTableName>(table: T): PersonalColumnOf<T>[] {
  return fieldsOf(table).map((f) => f.column as PersonalColumnOf<T>);
}

/** The catalogue's entries for one table, in catalogue order. */
export function fieldsOf(table: PersonalTableName): readonly PersonalFieldEntry[] {
  return PERSONAL_DATA.filter((f) => f.table === table);
}

/**
 * The categories of a stored row's personal values (keys: columns or properties), for the access
 * log of a read that shows the row as a whole (a hold's preserved copy). A field of carried
 * categories counts none: what it carried is in its own rows.
 */
export function categoriesOfValues(table: PersonalTableName, row: Readonly<Record<string, unknown>>): CategoryKey[] {
  const out = new Set<CategoryKey>();
  for (const f of fieldsOf(table)) {
    const value = row[f.column] ?? row[f.property];
    if (value === null || value === undefined || f.categories === 'CARRIED') continue;
    for (const c of f.categories) out.add(c);
  }
  return [...out];
}

/** The subject's own personal fields, in catalogue order. */
export const SUBJECT_FIELDS = PERSONAL_DATA.filter((f): f is SubjectEntry => f.table === 'subjects');

export function personalTable(table: PersonalTableName): PersonalTable {
  const t = PERSONAL_TABLES.find((x) => x.table === table);
  if (!t) throw new Error(`${table} is not in the personal-data catalogue`);
  return t;
}

/** Every column of a personal table the catalogue knows: personal first (catalogue order), then the others. */
export function catalogueColumns(table: PersonalTableName): string[] {
  return [...fieldsOf(table).map((f) => f.column), ...Object.keys(personalTable(table).nonPersonal)];
}

/** The field's category where one is recorded (the access log, a transfer's disclosure): its first. */
export function categoryOf(field: SubjectEntry): CategoryKey {
  return field.categories[0];
}

// ---------------------------------------------------------------------------------------------
// Derived views: what each part of the gateway reads from the catalogue.

/** Erasure: the columns of `subjects` the tombstone sets to NULL. */
export const SUBJECT_COLUMNS_ERASED_TO_NULL: readonly SubjectColumn[] = SUBJECT_FIELDS.filter((f) => f.erasure === 'NULL').map((f) => f.column);

/** Erasure: the tables whose rows of the subject are deleted outright, in the order erasure deletes them. */
export const TABLES_DELETED_ON_ERASURE: readonly PersonalTableName[] = PERSONAL_TABLES.filter((t) => t.erasure === 'DELETE_ROWS').map((t) => t.table);

/**
 * Legal holds: the categories of each field of a table that a hold scoped to categories copies
 * only when it names one of them (IF_CATEGORY_HELD), by column. Columns not in the map are copied
 * with their record.
 */
export function holdFieldCategories(table: PersonalTableName): Readonly<Record<string, readonly CategoryKey[]>> {
  return Object.fromEntries(
    fieldsOf(table)
      .filter((f) => f.hold === 'IF_CATEGORY_HELD')
      .map((f) => {
        if (f.categories === 'CARRIED') throw new Error(`${table}.${f.column}: a field of carried categories is copied with its record`);
        return [f.column, f.categories];
      }),
  );
}

/** Business transfer: the columns of `file` that a phase fills from the fields of `table`, each once, in catalogue order. */
export function transferColumns(phase: TransferPhaseName, table: PersonalTableName, file: ExportFileName): string[] {
  const columns = fieldsOf(table).flatMap((f) => {
    const out = f.transfer[phase];
    return out && out.file === file ? [out.column] : [];
  });
  return [...new Set(columns)];
}

/**
 * Business transfer: the subject's fields a phase exports, with the category of what it exports
 * ([property, category]). A transfer's disclosure records these (closing: those the person has a
 * value for). Consents (with their history) and disclosure records are exported too: closing
 * names them as user.privacy_preferences and user.disclosure_history (transfer-chunk.service.ts).
 */
export function transferredSubjectCategories(phase: TransferPhaseName): readonly (readonly [SubjectField, CategoryKey])[] {
  return SUBJECT_FIELDS.flatMap((f) => {
    const out: TransferExport | null = f.transfer[phase];
    return out ? [[f.property, out.category ?? categoryOf(f)] as const] : [];
  });
}

/** Business transfer: the categories a phase exports (sorted, each once). */
export function transferCategoryList(phase: TransferPhaseName): CategoryKey[] {
  return [...new Set(transferredSubjectCategories(phase).map(([, c]) => c))].sort();
}

/** Read purposes: how one purpose presents a subject field (null: masked). */
export function subjectFieldPresentation(field: SubjectEntry, purpose: ReadPurpose): 'AS_STORED' | ReadGeneralization | null {
  const read: Readonly<Partial<Record<ReadPurpose, 'AS_STORED' | ReadGeneralization>>> = field.read;
  return read[purpose] ?? null;
}

/** Read purposes: the lists on `User` that carry catalogued records, with the category of those records (null: the categories they carried). */
export function readListCategories(): ReadonlyMap<'consents' | 'consentHistory' | 'disclosures', CategoryKey | null> {
  const out = new Map<'consents' | 'consentHistory' | 'disclosures', CategoryKey | null>();
  for (const f of PERSONAL_DATA as readonly PersonalFieldEntry[]) {
    if (f.read === null || !('list' in f.read)) continue;
    const list = (f.read as { list: 'consents' | 'consentHistory' | 'disclosures' }).list;
    const category = f.categories === 'CARRIED' ? null : f.categories[0];
    const seen = out.get(list);
    if (seen !== undefined && seen !== category) throw new Error(`the records of User.${list} disagree on their category`);
    out.set(list, category);
  }
  return out;
}
