import { registerEnumType } from 'type-graphql';
import {
  ConsentSource, ConsentStatus, DataRequestStatus, DataRequestType, DisclosurePurpose, LegalHoldStatus, PurposeKey,
  RecipientKind, Role, SubjectSource, SubjectStatus, VerificationLevel, VerificationMethod,
} from '../entities/enums';
import { AccessPackageStatus } from '../entities/access-package.entity';
import { ReadPurpose } from '../domain/read-purpose.rules';

// Registered once, before any type refers to them.
registerEnumType(Role, {
  name: 'Role',
  description: 'A role a caller\'s token carries; each query and mutation names the roles that may call it.',
  valuesConfig: {
    APP: { description: 'An internal application. Every request declares a read purpose (X-Purpose header), which limits the people, fields and lists it sees.' },
    LEGAL: { description: 'The legal team: reads people, data requests and the audit and access logs; places, extends and releases legal holds.' },
    MNA: { description: 'Mergers and acquisitions: runs business transfers; reads recipients and data categories but no person, disclosure or hold.' },
    PRIVACY_OPS: { description: 'Privacy operations: what APP may do without declaring a purpose, plus recipients, data requests, reports and the logs.' },
    ADMIN: { description: 'Administrators: may call everything.' },
  },
});
registerEnumType(SubjectStatus, {
  name: 'SubjectStatus',
  description: 'Where a user (a person whose data the company holds) stands with respect to erasure.',
  valuesConfig: {
    ACTIVE: { description: 'The data is held and used normally.' },
    RESTRICTED: { description: 'The person asked to be erased, but a legal hold keeps some or all of their data; what is kept may be used for the hold\'s legal purpose only. Read purposes other than SECURITY see such a user as ERASED.' },
    ERASED: { description: 'Erased: every personal field is gone and only a tombstone (id, status, source and times) remains.' },
  },
});
registerEnumType(SubjectSource, {
  name: 'SubjectSource',
  description: 'How a user first came to be on record, as the registering caller declared it.',
  valuesConfig: {
    CONTACT_FORM: { description: 'The Contact Us form (the default of registerUser).' },
    WEBSITE: { description: 'Through the company\'s website.' },
    IMPORT: { description: 'Imported from another system.' },
    ADMIN: { description: 'Entered by staff.' },
  },
});
registerEnumType(PurposeKey, {
  name: 'Purpose',
  description: 'What a user may consent to. Without a GRANTED consent for a purpose, the company does not use the user\'s data for it.',
  valuesConfig: {
    PRODUCT_EMAIL: { description: 'Marketing email about the company\'s own products, services and offers.' },
    THIRD_PARTY_OFFERS: { description: 'Promotional email the company sends on behalf of other businesses.' },
    THIRD_PARTY_MARKETING_SHARING: { description: 'Disclosing personal information to third parties or affiliates for their own direct marketing. A Global Privacy Control signal withdraws it.' },
    EMAIL_OPEN_TRACKING: { description: 'Confirming that an email was opened (a tracking pixel); opens are recorded only while it is granted.' },
    ANALYTICS_COOKIES: { description: 'Cookies and similar technologies that measure use of the website.' },
    LEGAL_NOTICE_EMAIL: { description: 'Notices of privacy policy changes by email; a person who withdraws it is bound by the posted notice instead.' },
  },
});
registerEnumType(ConsentStatus, {
  name: 'ConsentStatus',
  description: 'Whether a consent is given.',
  valuesConfig: {
    GRANTED: { description: 'The person agreed to the purpose.' },
    WITHDRAWN: { description: 'The person refused or withdrew their agreement.' },
  },
});
registerEnumType(ConsentSource, {
  name: 'ConsentSource',
  description: 'How a consent choice reached the company.',
  valuesConfig: {
    FORM: { description: 'The person chose on a form (the default of recordConsent).' },
    UNSUBSCRIBE_LINK: { description: 'The person followed an unsubscribe link in an email.' },
    GPC_SIGNAL: { description: 'The person\'s browser sent a Global Privacy Control signal (Sec-GPC: 1), a legally valid opt-out of sale and sharing (11 CCR 7025).' },
    DNT_SIGNAL: { description: 'The person\'s browser sent a Do Not Track signal (DNT: 1), which has no legal force.' },
    ADMIN: { description: 'Recorded by staff on the person\'s behalf.' },
  },
});
registerEnumType(RecipientKind, {
  name: 'RecipientKind',
  description: 'What relation a recipient has to the company; it limits the purposes the recipient may receive data for.',
  valuesConfig: {
    AFFILIATE: { description: 'A related company that is a separate legal entity; counts as a third party under Shine-the-Light. Each disclosure to it needs a transaction reference.' },
    AGENT: { description: 'A service provider acting only for the company (e.g. a payment processor); never receives data for BUSINESS_TRANSFER.' },
    PARTNER: { description: 'Receives only anonymized or aggregate data; never for DIRECT_MARKETING or BUSINESS_TRANSFER.' },
    ACQUIRER: { description: 'The buyer in a merger, acquisition or bankruptcy sale.' },
    AUTHORITY: { description: 'A public authority such as a regulator or court; never for DIRECT_MARKETING or BUSINESS_TRANSFER, and not told of deletions or corrections.' },
    THIRD_PARTY: { description: 'An unrelated business that uses the data for its own ends.' },
  },
});
registerEnumType(DisclosurePurpose, {
  name: 'DisclosurePurpose',
  description: 'Why personal information (or an aggregate of it) was disclosed to a recipient.',
  valuesConfig: {
    DIRECT_MARKETING: { description: 'For the recipient\'s direct marketing (mail, phone or email solicitation). Identifiable data to a THIRD_PARTY or AFFILIATE needs THIRD_PARTY_MARKETING_SHARING granted and no GPC opt-out; these disclosures are what a Shine-the-Light notice reports.' },
    TRANSACTION: { description: 'To carry out a transaction the person entered into.' },
    SERVICE_PROVISION: { description: 'For a service provider performing a service on the company\'s behalf.' },
    BUSINESS_TRANSFER: { description: 'To an acquirer in a merger, acquisition or bankruptcy (due diligence or closing).' },
    LEGAL_COMPLIANCE: { description: 'Required by law, e.g. to an authority. The only purpose for which a RESTRICTED user\'s data may be disclosed.' },
    AGGREGATE_ANALYTICS: { description: 'Aggregate or de-identified statistics.' },
  },
});
registerEnumType(DataRequestType, {
  name: 'DataRequestType',
  description: 'The right a data request exercises.',
  valuesConfig: {
    ERASURE: { description: 'Delete my data (CCPA 1798.105, GDPR Art. 17); what a legal hold needs is kept and restricted.' },
    CHILD_DELETION: { description: 'Data found to belong to a child under 13, deleted at once (COPPA); runs ahead of every other erasure.' },
    CALIFORNIA_NOTICE: { description: 'A California Shine-the-Light request (Civil Code 1798.83): which categories of my data went to which recipients for their direct marketing last calendar year.' },
    ACCESS: { description: 'What do you hold about me, and who got it (CCPA 1798.100/110/130, GDPR Art. 15 and 20); answered with a sealed package.' },
    CORRECTION: { description: 'This is wrong about me (CCPA 1798.106); each proposed change is accepted or rejected by privacy operations.' },
  },
});
registerEnumType(DataRequestStatus, {
  name: 'DataRequestStatus',
  description: 'Where a data request stands. RECEIVED, ACKNOWLEDGED, IN_PROGRESS, BLOCKED_BY_HOLD and PARTIALLY_COMPLETED are open; COMPLETED and REJECTED are closed.',
  valuesConfig: {
    RECEIVED: { description: 'Received, and its receipt not yet confirmed to the person.' },
    ACKNOWLEDGED: { description: 'Receipt confirmed; waiting to be carried out.' },
    IN_PROGRESS: { description: 'Being carried out.' },
    BLOCKED_BY_HOLD: { description: 'An erasure a legal hold stops entirely; it runs again when the last hold covering the person is released.' },
    PARTIALLY_COMPLETED: { description: 'An erasure a hold limited to some categories or dates made partial: the rest waits for the hold\'s release.' },
    COMPLETED: { description: 'Carried out and answered.' },
    REJECTED: { description: 'Closed without being carried out (for example, the person could not be verified or was already erased); the request\'s reason code says why.' },
  },
});
registerEnumType(LegalHoldStatus, {
  name: 'LegalHoldStatus',
  description: 'Whether a legal hold still preserves the data it covers.',
  valuesConfig: {
    ACTIVE: { description: 'In force: the covered data cannot be deleted, whatever a deletion request or retention rule says.' },
    RELEASED: { description: 'No longer in force; data it covered is freed unless another active hold covers it. A released hold cannot be reactivated.' },
  },
});
registerEnumType(ReadPurpose, {
  name: 'ReadPurpose',
  description: 'Why an internal app reads personal data, declared in the X-Purpose header (required for the APP role). It decides which users, fields and lists the request sees; masked fields are null and hidden lists empty.',
  valuesConfig: {
    SERVICE: { description: 'Providing the service the person asked for: account, orders, delivery, billing.' },
    SUPPORT: { description: 'Answering the person when they contact the company; no date of birth.' },
    PRODUCT_EMAIL: { description: 'The company\'s own marketing email: only people who granted PRODUCT_EMAIL, and only what addresses them.' },
    THIRD_PARTY_OFFERS: { description: 'Emailing offers on behalf of other businesses: only people who granted THIRD_PARTY_OFFERS and sent no GPC opt-out.' },
    ANALYTICS: { description: 'Statistics about users: no name, contact details or precise location; age only as a band.' },
    SECURITY: { description: 'Detecting and investigating fraud and account abuse: who the person is, how to reach them, and what was shared.' },
  },
});
registerEnumType(VerificationMethod, {
  name: 'VerificationMethod',
  description: 'How the identity of the person behind a request was verified (11 CCR 7060-7062).',
  valuesConfig: {
    NONE: { description: 'Not verified, or the request came through a channel that cannot verify.' },
    EMAIL_ROUND_TRIP: { description: 'A link or code sent to the email address on file came back: one data point matched.' },
    TWO_DATA_POINTS: { description: 'Two data points the person gave match two the company holds (7062(b)).' },
    THREE_DATA_POINTS_DECLARATION: { description: 'Three data points matched, with a declaration signed under penalty of perjury (7062(c)).' },
    SIGNED_IN_SESSION: { description: 'The person asked from a signed-in session of their password-protected account (7061).' },
    NOT_APPLICABLE: { description: 'The request is the company\'s own (e.g. a child\'s data found): there is no identity to verify.' },
  },
});
registerEnumType(VerificationLevel, {
  name: 'VerificationLevel',
  description: 'The degree of certainty a verification reaches, or a request needs, lowest first.',
  valuesConfig: {
    NONE: { description: 'No certainty about who is asking.' },
    REASONABLE: { description: '"A reasonable degree of certainty" (7062(b)): enough for categories of information and for most deletions.' },
    REASONABLY_HIGH: { description: '"A reasonably high degree of certainty" (7062(c)): needed for specific pieces of information.' },
  },
});
registerEnumType(AccessPackageStatus, {
  name: 'AccessPackageStatus',
  description: 'The state of the sealed file that answers an access request.',
  valuesConfig: {
    READY: { description: 'Sealed and stored; its one-time download link not used yet.' },
    DOWNLOADED: { description: 'The one-time link was used; the file stays until it is purged, and a new link can be issued.' },
    PURGED: { description: 'The file is gone: its retention period passed or the person was erased.' },
  },
});
