/** The closed vocabularies of the domain, shared by entities, services and the schema. */

export enum Role {
  APP = 'APP',
  LEGAL = 'LEGAL',
  MNA = 'MNA',
  PRIVACY_OPS = 'PRIVACY_OPS',
  ADMIN = 'ADMIN',
}

export enum SubjectStatus {
  ACTIVE = 'ACTIVE',
  /**
   * Asked to be erased, and kept only because a legal hold requires it: used for that purpose
   * alone (11 CCR 7022(f)(3); docs/legal.md, point 7) until the erasure completes.
   */
  RESTRICTED = 'RESTRICTED',
  ERASED = 'ERASED',
}

export enum SubjectSource {
  CONTACT_FORM = 'CONTACT_FORM',
  WEBSITE = 'WEBSITE',
  IMPORT = 'IMPORT',
  ADMIN = 'ADMIN',
}

export enum PurposeKey {
  PRODUCT_EMAIL = 'PRODUCT_EMAIL',
  THIRD_PARTY_OFFERS = 'THIRD_PARTY_OFFERS',
  THIRD_PARTY_MARKETING_SHARING = 'THIRD_PARTY_MARKETING_SHARING',
  EMAIL_OPEN_TRACKING = 'EMAIL_OPEN_TRACKING',
  ANALYTICS_COOKIES = 'ANALYTICS_COOKIES',
  LEGAL_NOTICE_EMAIL = 'LEGAL_NOTICE_EMAIL',
}

/**
 * Why an internal app reads personal data. Every APP request declares one (`X-Purpose`); the
 * gateway then shows only what the purpose needs, and only about people whose choices allow it.
 * The access log stores it. What each purpose sees: src/domain/read-purpose.rules.ts, whose
 * field columns come from the personal-data catalogue (src/domain/personal-data.catalogue.ts).
 */
export enum ReadPurpose {
  SERVICE = 'SERVICE',
  SUPPORT = 'SUPPORT',
  PRODUCT_EMAIL = 'PRODUCT_EMAIL',
  THIRD_PARTY_OFFERS = 'THIRD_PARTY_OFFERS',
  ANALYTICS = 'ANALYTICS',
  SECURITY = 'SECURITY',
}

export enum ConsentStatus {
  GRANTED = 'GRANTED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum ConsentSource {
  FORM = 'FORM',
  UNSUBSCRIBE_LINK = 'UNSUBSCRIBE_LINK',
  GPC_SIGNAL = 'GPC_SIGNAL',
  DNT_SIGNAL = 'DNT_SIGNAL',
  ADMIN = 'ADMIN',
}

export enum RecipientKind {
  AFFILIATE = 'AFFILIATE',
  AGENT = 'AGENT',
  PARTNER = 'PARTNER',
  ACQUIRER = 'ACQUIRER',
  AUTHORITY = 'AUTHORITY',
  THIRD_PARTY = 'THIRD_PARTY',
}

export enum DisclosurePurpose {
  DIRECT_MARKETING = 'DIRECT_MARKETING',
  TRANSACTION = 'TRANSACTION',
  SERVICE_PROVISION = 'SERVICE_PROVISION',
  BUSINESS_TRANSFER = 'BUSINESS_TRANSFER',
  LEGAL_COMPLIANCE = 'LEGAL_COMPLIANCE',
  AGGREGATE_ANALYTICS = 'AGGREGATE_ANALYTICS',
}

export enum DataRequestType {
  ERASURE = 'ERASURE',
  CHILD_DELETION = 'CHILD_DELETION',
  CALIFORNIA_NOTICE = 'CALIFORNIA_NOTICE',
  /** "What do you hold about me, and who got it?" (CCPA 1798.100/110/130, GDPR Art. 15 and 20). */
  ACCESS = 'ACCESS',
  /** "This is wrong about me" (CCPA 1798.106). */
  CORRECTION = 'CORRECTION',
}

export enum DataRequestStatus {
  RECEIVED = 'RECEIVED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  IN_PROGRESS = 'IN_PROGRESS',
  BLOCKED_BY_HOLD = 'BLOCKED_BY_HOLD',
  /** An erasure a hold scoped to some categories or dates made partial: the rest waits for its release. */
  PARTIALLY_COMPLETED = 'PARTIALLY_COMPLETED',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
}

export enum LegalHoldStatus {
  ACTIVE = 'ACTIVE',
  RELEASED = 'RELEASED',
}

/** How the person was verified when the request came in. */
export enum VerificationMethod {
  /** Not verified (or the request arrived through a channel that cannot verify). */
  NONE = 'NONE',
  /** A link or code sent to the email address on file came back: one data point we hold, matched. */
  EMAIL_ROUND_TRIP = 'EMAIL_ROUND_TRIP',
  /** Two data points the person gave match two we hold (7062(b)). */
  TWO_DATA_POINTS = 'TWO_DATA_POINTS',
  /** Three data points matched, with a declaration signed under penalty of perjury (7062(c)). */
  THREE_DATA_POINTS_DECLARATION = 'THREE_DATA_POINTS_DECLARATION',
  /** The person asked from a signed-in session of their password-protected account (7061). */
  SIGNED_IN_SESSION = 'SIGNED_IN_SESSION',
  /** The request is the company's own (a child's data found): nobody's identity to verify. */
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/** The degree of certainty the regulations name, lowest first. */
export enum VerificationLevel {
  NONE = 'NONE',
  /** "A reasonable degree of certainty" (7062(b)): enough for categories, and for most deletions. */
  REASONABLE = 'REASONABLE',
  /** "A reasonably high degree of certainty" (7062(c)): needed for specific pieces of information. */
  REASONABLY_HIGH = 'REASONABLY_HIGH',
}

/** A proposed correction of one field, and what privacy operations decided. */
export enum CorrectionStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}
