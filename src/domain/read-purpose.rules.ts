import { PurposeKey, ReadPurpose } from '../entities/enums';

// The enum lives with the other closed vocabularies (the access log stores it, and the
// personal-data catalogue names it without importing these rules); importers keep finding it here.
export { ReadPurpose };

/** The person's own fields on `User` that carry personal data (id, status, source and times do not). */
export type PersonalField =
  | 'name' | 'email' | 'phone' | 'streetAddress' | 'city' | 'postalCode' | 'region' | 'country' | 'birthDate' | 'ageRange';

/** Lists on `User` about the person. Any other list (a plugin's, the access log) is hidden from every purpose. */
export type RelationField = 'consents' | 'consentHistory' | 'disclosures' | 'recipients' | 'requests' | 'californiaNotices' | 'policyNotices';

/** How a masked field may still be shown, generalized by the anonymization plugin (null when it is off). */
export type Generalization = 'AGE_BAND';

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

const CONTACT: readonly PersonalField[] = ['name', 'email', 'phone', 'streetAddress', 'city', 'postalCode'];

/**
 * THE table. Every personal field not listed for a purpose is masked (null), every list not
 * listed comes back empty. A unit test checks each row (test/unit/read-purpose-rules.spec.ts).
 */
export const READ_PURPOSE_RULES: Readonly<Record<ReadPurpose, ReadPurposeRule>> = {
  [ReadPurpose.SERVICE]: {
    meaning: 'Providing the service the person asked for: account, orders, delivery, billing.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: [...CONTACT, 'region', 'country', 'birthDate', 'ageRange'],
    generalized: {},
    relations: ['consents', 'consentHistory', 'disclosures', 'recipients', 'requests', 'californiaNotices', 'policyNotices'],
  },
  [ReadPurpose.SUPPORT]: {
    meaning: 'Answering the person when they contact us; the date of birth is not needed for that.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: [...CONTACT, 'region', 'country', 'ageRange'],
    generalized: {},
    relations: ['consents', 'consentHistory', 'disclosures', 'recipients', 'requests', 'californiaNotices', 'policyNotices'],
  },
  [ReadPurpose.PRODUCT_EMAIL]: {
    meaning: 'Our own marketing email: only people who granted PRODUCT_EMAIL, only what addresses them.',
    requiresConsent: PurposeKey.PRODUCT_EMAIL,
    // GPC opts out of sale and sharing; our own email to a consenting person is neither.
    honoursGpcOptOut: false,
    fields: ['name', 'email', 'region', 'country'],
    generalized: {},
    relations: ['consents'],
  },
  [ReadPurpose.THIRD_PARTY_OFFERS]: {
    meaning: 'Emailing offers on behalf of other businesses: people who granted THIRD_PARTY_OFFERS and sent no GPC opt-out.',
    requiresConsent: PurposeKey.THIRD_PARTY_OFFERS,
    // Offers on behalf of others are the cross-context marketing GPC opts out of: honour it.
    honoursGpcOptOut: true,
    fields: ['name', 'email', 'region', 'country'],
    generalized: {},
    relations: ['consents'],
  },
  [ReadPurpose.ANALYTICS]: {
    meaning: 'Statistics about our users: no name, contact details or precise location; age only as a band.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: ['region', 'country'],
    generalized: { ageRange: 'AGE_BAND' },
    relations: ['consents'],
  },
  [ReadPurpose.SECURITY]: {
    meaning: 'Detecting and investigating fraud and abuse of accounts: who it is and how to reach them, and what was shared.',
    requiresConsent: null,
    honoursGpcOptOut: false,
    fields: ['name', 'email', 'phone', 'region', 'country'],
    generalized: {},
    relations: ['consentHistory', 'disclosures', 'recipients'],
  },
};

/**
 * The data category (LEGAL.md, fideslang keys) each personal field belongs to; the access log
 * records the categories of the fields a request returned.
 */
export const FIELD_CATEGORY: Readonly<Record<PersonalField, string>> = {
  name: 'user.name',
  email: 'user.contact.email',
  phone: 'user.contact.phone_number',
  streetAddress: 'user.contact.address',
  city: 'user.contact.address',
  postalCode: 'user.contact.address',
  region: 'user.location.imprecise',
  country: 'user.location.imprecise',
  birthDate: 'user.demographic.date_of_birth',
  ageRange: 'user.demographic.age_range',
};

/** Consents and their history are the person's privacy choices (fideslang `user.privacy_preferences`). */
export const RELATION_CATEGORY: Readonly<Partial<Record<RelationField, string>>> = {
  consents: 'user.privacy_preferences',
  consentHistory: 'user.privacy_preferences',
};

export const PERSONAL_FIELDS = Object.keys(FIELD_CATEGORY) as PersonalField[];
export const READ_PURPOSES = Object.values(ReadPurpose);
