// Generated from schema.graphql by scripts/console-types.ts (npm run console:types); do not edit.
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
};

/** A page of AccessLog items (Relay cursor connection), in the list's fixed order. */
export type AccessLogConnection = {
  __typename?: 'AccessLogConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<AccessLogEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One AccessLog in a page, with its cursor. */
export type AccessLogEdge = {
  __typename?: 'AccessLogEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The AccessLog. */
  node: AccessLogEntry;
};

/** One person whose data one request returned, whoever read it. */
export type AccessLogEntry = {
  __typename?: 'AccessLogEntry';
  /** When the data was read (ISO 8601 date-time, UTC). */
  accessedAt: Scalars['DateTimeISO']['output'];
  /** The token subject that read. */
  actor: Scalars['String']['output'];
  /** Data categories (fideslang keys) of the fields returned; list:<name> for a list read that has no category of its own (list:disclosures, list:recipients, list:requests). */
  categories: Array<Scalars['String']['output']>;
  /** The entry's id; lists of entries are newest (highest id) first. */
  id: Scalars['ID']['output'];
  /** The declared purpose; null for a privileged read without one. */
  purpose: Maybe<ReadPurpose>;
  /** Shared by every person returned to the same request. */
  requestId: Scalars['String']['output'];
  /** The role the token read in. */
  role: Role;
  /** The person whose data was returned; the entry is kept after their erasure. */
  userId: Scalars['ID']['output'];
};

/** The sealed answer to an access request. Its content is only ever given to the person, through their one-time link. */
export type AccessPackage = {
  __typename?: 'AccessPackage';
  /** Size of the archive (ZIP) the person downloads, in bytes. */
  bytes: Scalars['String']['output'];
  /** When the package was sealed and the request answered (ISO 8601 date-time, UTC). */
  createdAt: Scalars['DateTimeISO']['output'];
  /** EMAIL (the link), POSTAL_MAIL (the letter with the link) or NONE (no address on record: reissue a link once there is one). */
  delivery: Scalars['String']['output'];
  /** When the person last downloaded the package through a one-time link (ISO 8601 date-time, UTC); null if they never did. */
  downloadedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** The package's id. */
  id: Scalars['ID']['output'];
  /** The link works once, until then (ISO 8601 date-time, UTC); never later than purgeAfter. */
  linkExpiresAt: Scalars['DateTimeISO']['output'];
  /** The package is purged then (or at the person’s erasure); ISO 8601 date-time, UTC. */
  purgeAfter: Scalars['DateTimeISO']['output'];
  /** When the file was deleted, its retention over or its person erased (ISO 8601 date-time, UTC); null while it exists. */
  purgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** SPECIFIC_PIECES (the full package) or CATEGORIES (verification allowed no more). */
  scope: Scalars['String']['output'];
  /** SHA-256 of that archive: the person can check what they received. */
  sha256: Scalars['String']['output'];
  /** Whether its link is waiting to be used, was used, or the file is gone. */
  status: AccessPackageStatus;
};

/** The state of the sealed file that answers an access request. */
export type AccessPackageStatus =
  /** The one-time link was used; the file stays until it is purged, and a new link can be issued. */
  | 'DOWNLOADED'
  /** The file is gone: its retention period passed or the person was erased. */
  | 'PURGED'
  /** Sealed and stored; its one-time download link not used yet. */
  | 'READY';

/** The result of re-hashing the audit chain from its first event, against its head and the signed checkpoints. */
export type AuditChainReport = {
  __typename?: 'AuditChainReport';
  /** Position (seq) of the first event that does not verify; 0 when the checkpoint file itself has lines that are not signed checkpoints; null when valid. */
  brokenAtSeq: Maybe<Scalars['Int']['output']>;
  /** The stored id of the event that does not verify; null when valid, or when the fault is not one stored event (a chain cut short, a bad checkpoint file). */
  brokenEventId: Maybe<Scalars['ID']['output']>;
  /** Signed checkpoints, published outside the database, the chain was checked against. */
  checkpointsChecked: Scalars['Int']['output'];
  /** Events that verified before the check stopped: all of them when valid. */
  eventsChecked: Scalars['Int']['output'];
  /** The newest signed checkpoint: what was written after it rests on the hashes alone. */
  lastCheckpointSeq: Maybe<Scalars['Int']['output']>;
  /** What does not verify, in words; null when valid. */
  reason: Maybe<Scalars['String']['output']>;
  /** True when every event, the chain head and every signed checkpoint verify. */
  valid: Scalars['Boolean']['output'];
};

/** One audited state change, linked to the one before by its hash. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** What happened, as a dotted code, e.g. request.received or policy.published. */
  action: Scalars['String']['output'];
  /** Who made the change: the token subject, or the name of a system actor (a worker, a link followed such as unsubscribe-link). */
  actor: Scalars['String']['output'];
  /** Further ids and codes, as a JSON object: never personal data. Null when there are none. */
  details: Maybe<Scalars['JSONObject']['output']>;
  /** The changed record's id; null when the event names no single record. */
  entityId: Maybe<Scalars['String']['output']>;
  /** The kind of record changed, e.g. DataRequest, Subject or PolicyVersion. */
  entityType: Scalars['String']['output'];
  /** SHA-256, in hexadecimal, of this event's fields and prevHash: altering, deleting or reordering any event breaks the chain there. */
  hash: Scalars['String']['output'];
  /** The stored row's id; the chain's order is seq. */
  id: Scalars['ID']['output'];
  /** When the change was recorded (ISO 8601 date-time, UTC, to the millisecond). */
  occurredAt: Scalars['DateTimeISO']['output'];
  /** The previous event's hash (64 zeros before the first event), as hexadecimal SHA-256. */
  prevHash: Scalars['String']['output'];
  /** Position in the chain: 1, 2, 3… without gaps. */
  seq: Scalars['Int']['output'];
};

/** A page of AuditEvent items (Relay cursor connection), in the list's fixed order. */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<AuditEventEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One AuditEvent in a page, with its cursor. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The AuditEvent. */
  node: AuditEvent;
};

/** An export of customer data to an acquirer in a merger or acquisition: class aggregates of at least k people for DUE_DILIGENCE, full records at CLOSING, written by background jobs as files with a manifest. Visible to the roles MNA and ADMIN. */
export type BusinessTransfer = {
  __typename?: 'BusinessTransfer';
  /** The acquiring recipient (kind ACQUIRER) the export is for; null if that recipient cannot be found. */
  acquirer: Maybe<Recipient>;
  /** Id of the acquirer: a recipient of kind ACQUIRER. */
  acquirerId: Scalars['ID']['output'];
  /** The export files (subjects, consents, disclosures) as listed in the manifest; empty until the transfer is COMPLETED. */
  artifacts: Array<ExportArtifact>;
  /** When the export files are deleted from the gateway’s disk (ISO 8601 UTC date-time): the end plus BUSINESS_TRANSFER_ARTIFACT_RETENTION_DAYS (default 30) as fixed at start, or the cancellation time. Null while PENDING or RUNNING. */
  artifactsExpireAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** When the hourly sweep deleted the export files (ISO 8601 UTC date-time); null until then. */
  artifactsPurgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** Subject of the token that cancelled the transfer; null unless CANCELLED. */
  cancelledBy: Maybe<Scalars['String']['output']>;
  /** Chunk jobs finished so far. */
  chunksDone: Scalars['Int']['output'];
  /** Number of chunk jobs the scope was split into; null until the plan job has run (status PENDING). */
  chunksTotal: Maybe<Scalars['Int']['output']>;
  /** Name of the deal, as given at start. */
  dealName: Scalars['String']['output'];
  /** True when the transfer was started with encryptFor: its files are AES-256-GCM encrypted under a data key wrapped for the acquirer’s RSA key (in the manifest). */
  encrypted: Scalars['Boolean']['output'];
  /** Why the transfer failed, at most 2000 characters; null unless FAILED. */
  error: Maybe<Scalars['String']['output']>;
  /** Folder of the export on the workers’ file system. */
  exportPath: Scalars['String']['output'];
  /** When the transfer completed, failed or was cancelled (ISO 8601 UTC date-time); null while PENDING or RUNNING. */
  finishedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** Format of the export files. */
  format: ExportFormat;
  /** Generation time written into the manifest (ISO 8601 UTC date-time), fixed at start; age bands are computed as of it. */
  generatedAt: Scalars['DateTimeISO']['output'];
  /** The transfer’s id. */
  id: Scalars['ID']['output'];
  /** manifest.json as written next to the files (JSON text: deal, acquirer, scope, files with rows, bytes and SHA-256, encryption and anonymization details); null until COMPLETED. */
  manifest: Maybe<Scalars['String']['output']>;
  /** DUE_DILIGENCE (class aggregates of at least k people) or CLOSING (full records). */
  phase: BusinessTransferPhase;
  /** Subjects written so far, out of the total, with rate and estimated finish. */
  progress: BusinessTransferProgress;
  /** Which people the transfer exports, as fixed at start. */
  scope: BusinessTransferScope;
  /** When the transfer was started (ISO 8601 UTC date-time). */
  startedAt: Scalars['DateTimeISO']['output'];
  /** Subject of the token that started the transfer. */
  startedBy: Scalars['String']['output'];
  /** Where the transfer stands. */
  status: BusinessTransferStatus;
};

/** A page of BusinessTransfer items (Relay cursor connection), in the list's fixed order. */
export type BusinessTransferConnection = {
  __typename?: 'BusinessTransferConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<BusinessTransferEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One BusinessTransfer in a page, with its cursor. */
export type BusinessTransferEdge = {
  __typename?: 'BusinessTransferEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The BusinessTransfer. */
  node: BusinessTransfer;
};

/** The stage of a merger or acquisition a business transfer serves, which decides how much of each person the export reveals. */
export type BusinessTransferPhase =
  /** At closing: full customer records with each person’s consents and disclosure history, and one BUSINESS_TRANSFER disclosure to the acquirer recorded per exported person. */
  | 'CLOSING'
  /** Before the deal: class aggregates, never a row per person. Each class of generalized region, age band and signup month holds at least k people (BUSINESS_TRANSFER_K, default 11) and is given with its size; consents and disclosures are counts of people per purpose, small counts suppressed; one non-identifiable disclosure to the acquirer is recorded. */
  | 'DUE_DILIGENCE';

/** How far a business transfer’s export has come, counted in people (subjects). */
export type BusinessTransferProgress = {
  __typename?: 'BusinessTransferProgress';
  /** ISO 8601 UTC date-time the export is expected to finish, from the rate so far; the actual finish once COMPLETED. Null when FAILED or CANCELLED, or while nothing is written yet. */
  estimatedFinish: Maybe<Scalars['DateTimeISO']['output']>;
  /** processed as a percentage of total, 0 to 100 with one decimal; 100 once COMPLETED. */
  percent: Scalars['Float']['output'];
  /** Subjects whose rows are written so far, at most total. */
  processed: Scalars['Int']['output'];
  /** Subjects per second, averaged from the start to the end (or to now while unfinished), one decimal. */
  rate: Scalars['Float']['output'];
  /** Subjects in scope, counted when the transfer started. */
  total: Scalars['Int']['output'];
};

/** Which people a business transfer exports, as fixed at its start. Only ACTIVE people are ever exported. */
export type BusinessTransferScope = {
  __typename?: 'BusinessTransferScope';
  /** Only people created before this ISO 8601 UTC date-time; null for no such limit. */
  createdBefore: Maybe<Scalars['DateTimeISO']['output']>;
  /** ISO 3166-2 region codes (e.g. US-CA), upper case and sorted; null when the scope names no region (any region). */
  regions: Maybe<Array<Scalars['String']['output']>>;
  /** The subject statuses given at start (always including ACTIVE); null when none were given. */
  statuses: Maybe<Array<SubjectStatus>>;
};

/** Which people to export; name at least one of regions, statuses or createdBefore. Only ACTIVE people are exported, and the scope must match at least one. */
export type BusinessTransferScopeInput = {
  /** Only people created before this ISO 8601 UTC date-time; omit for no such limit. */
  createdBefore?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** ISO 3166-2 region codes, e.g. US-CA, at most 500; omit for any region. An empty list is rejected. */
  regions?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Subject statuses; ACTIVE must be listed, since only ACTIVE people are exported (erased ones never). */
  statuses?: InputMaybe<Array<SubjectStatus>>;
};

/** Where a business transfer stands. COMPLETED, FAILED and CANCELLED are final. */
export type BusinessTransferStatus =
  /** Stopped by cancelBusinessTransfer; its files are deleted. */
  | 'CANCELLED'
  /** Every file and the manifest are written; the files stay on disk until artifactsExpireAt. */
  | 'COMPLETED'
  /** A chunk or the assembly gave up; error says why. Files written so far are kept until they expire. */
  | 'FAILED'
  /** Started; waiting for its plan job to split the scope into chunks. */
  | 'PENDING'
  /** Planned; chunk jobs are writing the export. */
  | 'RUNNING';

/** A Shine-the-Light answer (Cal. Civ. Code 1798.83). */
export type CaliforniaNotice = {
  __typename?: 'CaliforniaNotice';
  /** Statutory categories, each once, in the statute’s order. */
  categories: Array<Scalars['String']['output']>;
  /** The same letter as HTML. */
  html: Scalars['String']['output'];
  /** True when nothing of the statute's categories was disclosed for direct marketing during the year; the letter then says exactly that. */
  noDisclosures: Scalars['Boolean']['output'];
  /** Every third party and affiliate that received the customer's information of those categories for its own direct marketing during the year; empty when none did. */
  recipients: Array<NoticeRecipient>;
  /** The letter as plain text. It greets the person by their current name (no name once they are erased), so reading it is recorded in the access log. */
  text: Scalars['String']['output'];
  /** The calendar year covered: the one before the request was received. */
  year: Scalars['Float']['output'];
};

/** What the server logs recorded automatically about a visit. */
export type CollectionEvent = {
  __typename?: 'CollectionEvent';
  /** A cookie identifier. Null when not recorded. */
  cookieId: Maybe<Scalars['String']['output']>;
  /** A device identifier. Null when not recorded. */
  deviceId: Maybe<Scalars['String']['output']>;
  /** Do Not Track was sent. */
  dnt: Scalars['Boolean']['output'];
  /** Accuracy radius of the location in metres; under 500 counts as precise geolocation. Null when not recorded. */
  geoAccuracyM: Maybe<Scalars['Int']['output']>;
  /** Global Privacy Control was sent. */
  gpc: Scalars['Boolean']['output'];
  /** The event's id. */
  id: Scalars['ID']['output'];
  /** The visitor's IPv4 or IPv6 address. Null when not recorded. */
  ipAddress: Maybe<Scalars['String']['output']>;
  /** Latitude in decimal degrees. Null when not recorded. */
  latitude: Maybe<Scalars['Float']['output']>;
  /** Longitude in decimal degrees. Null when not recorded. */
  longitude: Maybe<Scalars['Float']['output']>;
  /** When the visit happened (ISO 8601 date-time, UTC). */
  occurredAt: Scalars['DateTimeISO']['output'];
  /** The page or feature requested. Null when not recorded. */
  page: Maybe<Scalars['String']['output']>;
  /** The visitor's region as an ISO 3166-2 code, e.g. US-CA. Null when not recorded. */
  region: Maybe<Scalars['String']['output']>;
  /** The id of the user the visit is linked to; null when it is linked to nobody. */
  subjectId: Maybe<Scalars['ID']['output']>;
  /** The browser's User-Agent header. Null when not recorded. */
  userAgent: Maybe<Scalars['String']['output']>;
};

/** The current state of one consent, derived from its history. */
export type Consent = {
  __typename?: 'Consent';
  /** The privacy policy version the latest choice was made under, as recorded with it; null when none was given. */
  policyVersion: Maybe<Scalars['String']['output']>;
  /** What the consent is for. */
  purpose: Purpose;
  /** How the latest choice reached the company. */
  source: ConsentSource;
  /** Whether the consent is given now. */
  status: ConsentStatus;
  /** When the latest choice was made: its occurredAt (ISO 8601 date-time, UTC). */
  updatedAt: Scalars['DateTimeISO']['output'];
  /** Number of events behind this state (the seq of the latest one in consentHistory). */
  version: Scalars['Int']['output'];
};

/** The answer to recordConsent: the consent as it now stands, and whether the call changed it. */
export type ConsentChange = {
  __typename?: 'ConsentChange';
  /** False when the consent already had this status (no event was written). */
  changed: Scalars['Boolean']['output'];
  /** The consent's current state after the call. */
  consent: Consent;
};

/** One change of consent (append-only). */
export type ConsentEvent = {
  __typename?: 'ConsentEvent';
  /** When the person made the choice (ISO 8601 date-time, UTC). */
  occurredAt: Scalars['DateTimeISO']['output'];
  /** The privacy policy version the choice was made under; null when none was given. */
  policyVersion: Maybe<Scalars['String']['output']>;
  /** The purpose the change is about. */
  purpose: Purpose;
  /** Who recorded the change: the subject of the caller's token, or system for the gateway's own work. */
  recordedBy: Scalars['String']['output'];
  /** Position of this change in the user's history for its purpose: 1, 2, 3 … without gaps. */
  seq: Scalars['Int']['output'];
  /** How the choice reached the company. */
  source: ConsentSource;
  /** The status this change set. */
  status: ConsentStatus;
};

/** How a consent choice reached the company. */
export type ConsentSource =
  /** Recorded by staff on the person's behalf. */
  | 'ADMIN'
  /** The person's browser sent a Do Not Track signal (DNT: 1), which has no legal force. */
  | 'DNT_SIGNAL'
  /** The person chose on a form (the default of recordConsent). */
  | 'FORM'
  /** The person's browser sent a Global Privacy Control signal (Sec-GPC: 1), a legally valid opt-out of sale and sharing (11 CCR 7025). */
  | 'GPC_SIGNAL'
  /** The person followed an unsubscribe link in an email. */
  | 'UNSUBSCRIBE_LINK';

/** Whether a consent is given. */
export type ConsentStatus =
  /** The person agreed to the purpose. */
  | 'GRANTED'
  /** The person refused or withdrew their agreement. */
  | 'WITHDRAWN';

/** A field of a user a correction request may change (the subject fields of the personal-data catalogue). */
export type CorrectableField =
  /** The field User.ageRange (data category user.demographic.age_range). */
  | 'AGE_RANGE'
  /** The field User.birthDate (data category user.demographic.date_of_birth). */
  | 'BIRTH_DATE'
  /** The field User.city (data category user.contact.address). */
  | 'CITY'
  /** The field User.country (data category user.location.imprecise). */
  | 'COUNTRY'
  /** The field User.email (data category user.contact.email). */
  | 'EMAIL'
  /** The field User.name (data category user.name). */
  | 'NAME'
  /** The field User.phone (data category user.contact.phone_number). */
  | 'PHONE'
  /** The field User.postalCode (data category user.contact.address). */
  | 'POSTAL_CODE'
  /** The field User.region (data category user.location.imprecise). */
  | 'REGION'
  /** The field User.streetAddress (data category user.contact.address). */
  | 'STREET_ADDRESS';

/** One field a person says is wrong, the value they say is right, and the decision on it. */
export type CorrectionChange = {
  __typename?: 'CorrectionChange';
  /** When it was decided (ISO 8601 date-time, UTC); null while it is pending. */
  decidedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** The token subject that decided it; null while it is pending. */
  decidedBy: Maybe<Scalars['String']['output']>;
  /** The field the person says is wrong. */
  field: CorrectableField;
  /** The change's id. */
  id: Scalars['ID']['output'];
  /** The value the person says is right; null: remove it (and after their erasure). */
  proposedValue: Maybe<Scalars['String']['output']>;
  /** Why it was accepted or rejected; the person is told. */
  reason: Maybe<Scalars['String']['output']>;
  /** Whether it is still to be decided, accepted or rejected. */
  status: CorrectionStatus;
};

/** The decision on one proposed change, with its reason (the person reads it). */
export type CorrectionDecisionInput = {
  /** True to accept the proposed value, false to reject it. */
  accept: Scalars['Boolean']['input'];
  /** The field decided: one the request asks to correct, still pending. */
  field: CorrectableField;
  /** Why, 1 to 1000 characters; required either way, and sent to the person. */
  reason: Scalars['String']['input'];
};

/** Where one proposed change of a correction request stands. */
export type CorrectionStatus =
  /** Accepted: the value is written to the user once no change of the request is pending. */
  | 'ACCEPTED'
  /** Waiting for a decision (decideCorrection). */
  | 'PENDING'
  /** Rejected with a reason the person is told; also every change of a request verified too weakly, or closed by the person's erasure. */
  | 'REJECTED';

/** A category of personal information, from the fideslang taxonomy; disclosures, legal holds and the access log name data by these categories. */
export type DataCategory = {
  __typename?: 'DataCategory';
  /** The fideslang key, e.g. user.contact.email. */
  key: Scalars['String']['output'];
  /** A human-readable name of the category, e.g. Email address. */
  label: Scalars['String']['output'];
  /** The California Shine-the-Light category (Civil Code 1798.83(e)(6)) it maps to, as a Shine-the-Light notice names it; null when it maps to none. */
  shineTheLightCategory: Maybe<Scalars['String']['output']>;
};

/** A request a person made about their data, with its deadlines and result. */
export type DataRequest = {
  __typename?: 'DataRequest';
  /** The package that answered an access request; null for other types and for an access request not (or not yet) answered with one. */
  accessPackage: Maybe<AccessPackage>;
  /** Receipt must be confirmed by then: the end, in California time, of the 10th business day after receipt (ISO 8601 date-time, UTC). Null for California notice requests, which have no such deadline. */
  acknowledgeDueAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** When receipt was confirmed (ISO 8601 date-time, UTC); requests are acknowledged as they are recorded. Null if it never was. */
  acknowledgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** How the request came in, one upper-case word: e.g. WEB_FORM, EMAIL or PHONE; DESIGNATED or OTHER for a California notice; CHILD_FLAG for a child's deletion. */
  channel: Scalars['String']['output'];
  /** When the request was closed, completed or rejected (ISO 8601 date-time, UTC); null while it is open, PARTIALLY_COMPLETED included. */
  completedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** A correction request's proposed changes and their decisions, in the order proposed; null for other types. Reading a proposed value is recorded in the access log. */
  correctionChanges: Maybe<Array<CorrectionChange>>;
  /** What the person sent with a correction request; null for other types, when nothing was sent, or after their erasure. */
  correctionEvidence: Maybe<Scalars['String']['output']>;
  /** The answer is due by then (ISO 8601 date-time, UTC; the end of the last day in California time): 45 days after receipt for a deletion, access or correction (90 with the one extension), at once for a child's deletion, 30 or 150 days for a California notice (see NoticeChannel). */
  dueAt: Scalars['DateTimeISO']['output'];
  /** When the one 45-day extension was granted (ISO 8601 date-time, UTC); null if the deadline was not extended. */
  extendedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** The reason given for the extension, which the person was sent; null if the deadline was not extended. */
  extensionReason: Maybe<Scalars['String']['output']>;
  /** What happened to this request, from the audit log in chain order: opened, acknowledged, extended, blocked (with the holds that blocked it), completed or rejected. Details carry ids and codes, never personal data. */
  history: Array<AuditEvent>;
  /** The request's id, also the reference quoted to the person in every letter about it. */
  id: Scalars['ID']['output'];
  /** The letters, emails and notices this request caused, oldest first: to the person (receipt, blocked, extended, confirmation) and to recipients (erasure notices), as they were sent, without addresses. */
  messages: Array<RequestMessage>;
  /** The compiled notice of a California notice request; null for other types and until it is compiled. */
  notice: Maybe<CaliforniaNotice>;
  /** True while the request still needs work (RECEIVED, ACKNOWLEDGED, IN_PROGRESS, BLOCKED_BY_HOLD, PARTIALLY_COMPLETED): the domain's own list, so clients need not copy it. */
  open: Scalars['Boolean']['output'];
  /** True once the request was found still open after dueAt (a periodic check, so it can lag dueAt briefly). It stays true after the request closes; an extension recomputes it. */
  overdue: Scalars['Boolean']['output'];
  /** A code for why the request was rejected, blocked, limited or is waiting, e.g. NOT_VERIFIED, SUBJECT_ERASED, LEGAL_HOLD_ACTIVE, CATEGORIES_ONLY, LETTER_QUEUED; null when none applies. */
  reasonCode: Maybe<Scalars['String']['output']>;
  /** When the request was received (ISO 8601 date-time, UTC); its deadlines run from it. */
  receivedAt: Scalars['DateTimeISO']['output'];
  /** What was done, as a JSON object whose keys depend on the type: e.g. rows erased per table and what is kept for a deletion, the corrected and rejected fields for a correction, the package's scope for an access request, the notice for a California notice. Null until something is recorded. */
  result: Maybe<Scalars['JSONObject']['output']>;
  /** Where the request stands now. */
  status: DataRequestStatus;
  /** What the person asked for: deletion, a child's deletion, access, correction or a California notice. */
  type: DataRequestType;
  /** The person the request is about; after their erasure, the tombstone of their record (status ERASED, personal fields null). */
  user: User;
  /** How the person was verified; null on California notice requests (which need none), on deletions opened without one, and on requests recorded before verification was. */
  verificationMethod: Maybe<VerificationMethod>;
  /** The level of verification the full answer needs; null on California notice requests and on requests recorded before verification was. */
  verificationRequired: Maybe<VerificationLevel>;
};

/** A page of DataRequest items (Relay cursor connection), in the list's fixed order. */
export type DataRequestConnection = {
  __typename?: 'DataRequestConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<DataRequestEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One DataRequest in a page, with its cursor. */
export type DataRequestEdge = {
  __typename?: 'DataRequestEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The DataRequest. */
  node: DataRequest;
};

/** The answer to opening a request: the request, and whether this call created it. */
export type DataRequestReceipt = {
  __typename?: 'DataRequestReceipt';
  /** False when an open request for this user was returned instead of a new one. */
  created: Scalars['Boolean']['output'];
  /** The request opened now, or the one already open for this user and type, returned instead. */
  request: DataRequest;
};

/** Where a data request stands. RECEIVED, ACKNOWLEDGED, IN_PROGRESS, BLOCKED_BY_HOLD and PARTIALLY_COMPLETED are open; COMPLETED and REJECTED are closed. */
export type DataRequestStatus =
  /** Receipt confirmed; waiting to be carried out. */
  | 'ACKNOWLEDGED'
  /** An erasure a legal hold stops entirely; it runs again when the last hold covering the person is released. */
  | 'BLOCKED_BY_HOLD'
  /** Carried out and answered. */
  | 'COMPLETED'
  /** Being carried out. */
  | 'IN_PROGRESS'
  /** An erasure a hold limited to some categories or dates made partial: the rest waits for the hold's release. */
  | 'PARTIALLY_COMPLETED'
  /** Received, and its receipt not yet confirmed to the person. */
  | 'RECEIVED'
  /** Closed without being carried out (for example, the person could not be verified or was already erased); the request's reason code says why. */
  | 'REJECTED';

/** The right a data request exercises. */
export type DataRequestType =
  /** What do you hold about me, and who got it (CCPA 1798.100/110/130, GDPR Art. 15 and 20); answered with a sealed package. */
  | 'ACCESS'
  /** A California Shine-the-Light request (Civil Code 1798.83): which categories of my data went to which recipients for their direct marketing last calendar year. */
  | 'CALIFORNIA_NOTICE'
  /** Data found to belong to a child under 13, deleted at once (COPPA); runs ahead of every other erasure. */
  | 'CHILD_DELETION'
  /** This is wrong about me (CCPA 1798.106); each proposed change is accepted or rejected by privacy operations. */
  | 'CORRECTION'
  /** Delete my data (CCPA 1798.105, GDPR Art. 17); what a legal hold needs is kept and restricted. */
  | 'ERASURE';

/** One act of sharing personal information (or an aggregate) with a recipient. */
export type Disclosure = {
  __typename?: 'Disclosure';
  /** The data categories the disclosure carried; at least one. */
  categories: Array<DataCategory>;
  /** The disclosure's id. */
  id: Scalars['ID']['output'];
  /** Whether the data identified the user; false for anonymized or aggregate data. */
  identifiable: Scalars['Boolean']['output'];
  /** When the disclosure happened (ISO 8601 date-time, UTC). */
  occurredAt: Scalars['DateTimeISO']['output'];
  /** Why the data was disclosed. */
  purpose: DisclosurePurpose;
  /** Who received the data. */
  recipient: Recipient;
  /** Who recorded it: the subject of the caller's token, or system for the gateway's own work. */
  recordedBy: Scalars['String']['output'];
  /** The reference of the related transaction (required for disclosures to an AFFILIATE); null when none was given. */
  transactionReference: Maybe<Scalars['String']['output']>;
  /** The user the data was about. Null for aggregate or anonymized disclosures, after erasure unlinked them, and (to read purposes other than SECURITY) when the user is RESTRICTED. */
  user: Maybe<User>;
};

/** A page of Disclosure items (Relay cursor connection), in the list's fixed order. */
export type DisclosureConnection = {
  __typename?: 'DisclosureConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<DisclosureEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One Disclosure in a page, with its cursor. */
export type DisclosureEdge = {
  __typename?: 'DisclosureEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The Disclosure. */
  node: Disclosure;
};

/** Why personal information (or an aggregate of it) was disclosed to a recipient. */
export type DisclosurePurpose =
  /** Aggregate or de-identified statistics. */
  | 'AGGREGATE_ANALYTICS'
  /** To an acquirer in a merger, acquisition or bankruptcy (due diligence or closing). */
  | 'BUSINESS_TRANSFER'
  /** For the recipient's direct marketing (mail, phone or email solicitation). Identifiable data to a THIRD_PARTY or AFFILIATE needs THIRD_PARTY_MARKETING_SHARING granted and no GPC opt-out; these disclosures are what a Shine-the-Light notice reports. */
  | 'DIRECT_MARKETING'
  /** Required by law, e.g. to an authority. The only purpose for which a RESTRICTED user's data may be disclosed. */
  | 'LEGAL_COMPLIANCE'
  /** For a service provider performing a service on the company's behalf. */
  | 'SERVICE_PROVISION'
  /** To carry out a transaction the person entered into. */
  | 'TRANSACTION';

/** One file of a business transfer’s export, as its manifest records it; the acquirer can check the file against it. */
export type ExportArtifact = {
  __typename?: 'ExportArtifact';
  /** Size of the file as written, in bytes (after compression and any encryption). */
  bytes: Scalars['Float']['output'];
  /** File name in the export folder, e.g. subjects.ndjson.gz, or consents.csv.gz.enc when encrypted. */
  name: Scalars['String']['output'];
  /** Data rows in the file (a CSV header line is not counted). */
  rows: Scalars['Int']['output'];
  /** Hex SHA-256 of the file’s bytes as written. */
  sha256: Scalars['String']['output'];
};

/** One file of a completed transfer checked against the manifest the gateway recorded. */
export type ExportFileCheck = {
  __typename?: 'ExportFileCheck';
  /** The file name (manifest.json and manifest.json.sig included). */
  name: Scalars['String']['output'];
  /** True when the file is there with the recorded size and SHA-256 (for manifest.json: the same content as recorded; for manifest.json.sig: it signs manifest.json with the gateway's key). */
  ok: Scalars['Boolean']['output'];
  /** What differs, in words; empty when ok. */
  problems: Array<Scalars['String']['output']>;
};

/** File format of a business transfer’s export files; every file is gzip-compressed. */
export type ExportFormat =
  /** CSV with one header line (files named *.csv.gz). */
  | 'CSV'
  /** Newline-delimited JSON, one object per row (files named *.ndjson.gz). */
  | 'NDJSON';

/** A completed transfer's files on the gateway's disk, checked against the manifest recorded in its database. */
export type ExportVerification = {
  __typename?: 'ExportVerification';
  /** Each file in the manifest, then manifest.json itself, then its signature manifest.json.sig. */
  files: Array<ExportFileCheck>;
  /** True when every file is ok. */
  valid: Scalars['Boolean']['output'];
};

/** How far the copy of a legal hold’s data has come. Small scopes are copied in the placing call; larger ones partly by a background job. */
export type HoldPreservation = {
  __typename?: 'HoldPreservation';
  /** Preserved records written for this hold so far. A purge after release does not lower it; see PreservationReport.recordsSealed for what is still kept. */
  recordsPreserved: Scalars['Int']['output'];
  /** PENDING while a snapshot job still has subjects to copy, COMPLETED once every subject is copied. */
  status: PreservationStatus;
  /** Subjects whose copy is complete; equals subjectsTotal when status is COMPLETED. */
  subjectsDone: Scalars['Int']['output'];
  /** Subjects placed under the hold so far, across placement and every addSubjectsToLegalHold call. */
  subjectsTotal: Scalars['Int']['output'];
  /** When this progress last changed (ISO 8601 UTC date-time). */
  updatedAt: Scalars['DateTimeISO']['output'];
};

/** A legal hold that legal places for a matter on a set of people: it keeps a copy of their data in scope as it was when they were placed under it, and while ACTIVE it blocks the erasure of what it covers. Visible to the roles LEGAL, PRIVACY_OPS and ADMIN. */
export type LegalHold = {
  __typename?: 'LegalHold';
  /** The matter’s case or docket reference. */
  caseReference: Scalars['String']['output'];
  /** fideslang data category keys the hold is limited to (see dataCategories); an empty list means every category. */
  categories: Array<Scalars['String']['output']>;
  /** Free-text notes from whoever placed the hold; null when none were given. */
  description: Maybe<Scalars['String']['output']>;
  /** The hold’s id. */
  id: Scalars['ID']['output'];
  /** Name of the legal matter the hold serves (privileged; never shown to the people it covers). */
  matter: Scalars['String']['output'];
  /** When the hold was placed (ISO 8601 UTC date-time). */
  placedAt: Scalars['DateTimeISO']['output'];
  /** Subject of the token that placed the hold. */
  placedBy: Scalars['String']['output'];
  /** How far the copy of the hold’s data has come; null when no preservation was recorded for the hold. */
  preservation: Maybe<HoldPreservation>;
  /** The hold’s preserved copies in id order, as a Relay connection; copies already purged after release are gone. */
  preservedRecords: PreservedRecordConnection;
  /** The reason given at release; null while the hold is ACTIVE. */
  releaseReason: Maybe<Scalars['String']['output']>;
  /** When the hold was released (ISO 8601 UTC date-time); null while it is ACTIVE. */
  releasedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** Subject of the token that released the hold; null while it is ACTIVE. */
  releasedBy: Maybe<Scalars['String']['output']>;
  /** Start (inclusive, ISO 8601 UTC date-time) of the period of history the hold covers: consent changes, disclosures and visits. The person’s record and current consents are covered whatever the dates. Null for no lower bound. */
  scopeFrom: Maybe<Scalars['DateTimeISO']['output']>;
  /** End (exclusive, ISO 8601 UTC date-time) of the period of history the hold covers; null for no upper bound. */
  scopeUntil: Maybe<Scalars['DateTimeISO']['output']>;
  /** ACTIVE while the hold is in force; RELEASED once released, which is final. */
  status: LegalHoldStatus;
  /** The users the hold covers, in id order. Users already erased when they would have been added are not among them. */
  subjects: Array<User>;
};


/** A legal hold that legal places for a matter on a set of people: it keeps a copy of their data in scope as it was when they were placed under it, and while ACTIVE it blocks the erasure of what it covers. Visible to the roles LEGAL, PRIVACY_OPS and ADMIN. */
export type LegalHoldPreservedRecordsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of LegalHold items (Relay cursor connection), in the list's fixed order. */
export type LegalHoldConnection = {
  __typename?: 'LegalHoldConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<LegalHoldEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One LegalHold in a page, with its cursor. */
export type LegalHoldEdge = {
  __typename?: 'LegalHoldEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The LegalHold. */
  node: LegalHold;
};

/** The result of releasing a legal hold. */
export type LegalHoldRelease = {
  __typename?: 'LegalHoldRelease';
  /** Subjects of this hold that no other active hold covers any more: erasures the hold blocked resume, and their preserved copies are deleted after LEGAL_HOLD_PURGE_GRACE_DAYS (default 30). */
  freedSubjectIds: Array<Scalars['ID']['output']>;
  /** The hold, now RELEASED. */
  hold: LegalHold;
};

/** The result of placing a legal hold or adding subjects to one. */
export type LegalHoldScopeChange = {
  __typename?: 'LegalHoldScopeChange';
  /** Subjects this call placed under the hold; subjects it already covered and erased subjects are not included. */
  addedSubjectIds: Array<Scalars['ID']['output']>;
  /** Subjects that were already erased: nothing left to preserve, and they are not added. */
  alreadyErasedSubjectIds: Array<Scalars['ID']['output']>;
  /** The hold after the change. */
  hold: LegalHold;
  /** True when more subjects were added than LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD (default 50): their records and current consents were copied in this call, and a job copies their history as it stood now. Follow LegalHold.preservation. */
  snapshotQueued: Scalars['Boolean']['output'];
};

/** Whether a legal hold still preserves the data it covers. */
export type LegalHoldStatus =
  /** In force: the covered data cannot be deleted, whatever a deletion request or retention rule says. */
  | 'ACTIVE'
  /** No longer in force; data it covered is freed unless another active hold covers it. A released hold cannot be reactivated. */
  | 'RELEASED';

/** How a message reaches its addressee. */
export type MessageChannel =
  /** By email. */
  | 'EMAIL'
  /** As a printed letter (the print queue). */
  | 'POST';

/** Where a message is in its delivery. */
export type MessageStatus =
  /** Not sent: its addressee was erased before delivery. */
  | 'CANCELLED'
  /** Given up on after its last attempt. */
  | 'FAILED'
  /** Waiting to be sent (or to be retried after a failure). */
  | 'PENDING'
  /** Being handed to the mail server or the print queue. */
  | 'SENDING'
  /** Delivered to the mail server or the print queue. */
  | 'SENT';

/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Records that a user acknowledged a policy version; the first acknowledgement stands. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE or SUPPORT (otherwise the acknowledgement stands and the answer is refused). */
  acknowledgePolicy: PolicyNotice;
  /** Places more people under an ACTIVE legal hold and copies their data in scope as it is now; a released hold is a CONFLICT. Audited. Roles: LEGAL, ADMIN. */
  addSubjectsToLegalHold: LegalHoldScopeChange;
  /** Cancels a PENDING or RUNNING transfer and deletes its files; a finished transfer is a CONFLICT. Returns it CANCELLED. Audited. Roles: MNA, ADMIN. */
  cancelBusinessTransfer: BusinessTransfer;
  /** Accepts or rejects proposed changes, each with its reason. Once none is pending the accepted ones are applied, recipients told and the person answered. Roles: PRIVACY_OPS, ADMIN. */
  decideCorrection: DataRequest;
  /** The one extension of 45 days an open deletion, access or correction request may have, counted from its due date; the person is emailed the new date and the reason (when they have an address). Roles: PRIVACY_OPS, ADMIN. */
  extendRequestDeadline: DataRequest;
  /** The company learned it holds a child’s data: opens a CHILD_DELETION request (channel CHILD_FLAG, due at once) whose erasure runs ahead of every other job; an open one is returned instead. Roles: PRIVACY_OPS, ADMIN. */
  flagChild: DataRequestReceipt;
  /** Places a legal hold: from now on it blocks the erasure of what it covers, and it copies the data in scope as it is now (large scopes partly by a job). Audited. Roles: LEGAL, ADMIN. */
  placeLegalHold: LegalHoldScopeChange;
  /** Publishes a version and fans out notices by job: email to active users who receive legal notices, a posted notice for the rest. Publishing the same version and content again resumes the fan-out; other content under a published version is refused (VERSION_EXISTS). Roles: PRIVACY_OPS, ADMIN. */
  publishPolicyVersion: PolicyVersion;
  /** Records what the server logs collected automatically about one visit, and returns the event. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE or SECURITY (otherwise the event stands and the answer is refused). */
  recordCollectionEvent: CollectionEvent;
  /** Records a person's consent choice for one purpose as an event in their history, and returns the resulting consent. A choice equal to the current status writes nothing (changed is false). Roles: APP, PRIVACY_OPS, ADMIN. */
  recordConsent: ConsentChange;
  /** Records that data was shared with a recipient, after checking it against the policy (allowed purposes, consent, GPC opt-out, the rules of each recipient kind), and returns the disclosure. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE, SUPPORT or SECURITY (otherwise the disclosure stands and the answer is refused). */
  recordDisclosure: Disclosure;
  /** Registers a recipient and returns it. Refused when the name is taken (CONFLICT), when its kind cannot have an allowed purpose, or when a THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING has no postal address. Roles: PRIVACY_OPS, ADMIN. */
  registerRecipient: Recipient;
  /** Registers a person (Contact Us intake) and returns the new user. Needs an email or a phone; an email already on file is refused with CONFLICT; a child under 13 is refused and nothing is stored. Roles: APP, PRIVACY_OPS, ADMIN; under a read purpose, only fields that purpose may see can be given. */
  registerUser: User;
  /** A new one-time link for an answered access request (the old one stops working), sent by email or post. Refused once the package is purged, the person erased, or no address is on record. Roles: PRIVACY_OPS, ADMIN. */
  reissueAccessLink: AccessPackage;
  /** Releases an ACTIVE legal hold for good (it can never be reactivated: place a new one). People no other active hold covers are freed: erasures the hold blocked resume, and their copies are purged after a grace period. Audited. Roles: LEGAL, ADMIN. */
  releaseLegalHold: LegalHoldRelease;
  /** A person asks what we hold about them and who got it. Deadlines as a deletion; the package answers as far as `verification` allows (specific pieces need SIGNED_IN_SESSION or THREE_DATA_POINTS_DECLARATION). While one is open it is returned instead (created false). Roles: PRIVACY_OPS, ADMIN. */
  requestAccess: DataRequestReceipt;
  /** A California customer asks what went to third parties for their direct marketing last year: opens a CALIFORNIA_NOTICE request and queues its compilation. A user who is erased, is not a California resident, or already had an answered request received in the same California calendar year gets a REJECTED request (reasonCode SUBJECT_ERASED, NOT_CALIFORNIA_RESIDENT or ALREADY_ANSWERED_THIS_YEAR); an open request is returned instead. Roles: PRIVACY_OPS, ADMIN. */
  requestCaliforniaNotice: DataRequestReceipt;
  /** Annual volume: many requests at once, by the rules of requestCaliforniaNotice, compiled in chunks by the california-notice workers. Returns one request per distinct user, in ascending user id order. Roles: PRIVACY_OPS, ADMIN. */
  requestCaliforniaNotices: Array<DataRequest>;
  /** A person says some of their information is wrong: records each proposed change (checked now), for PRIVACY_OPS to decide. Deadlines as a deletion; needs a REASONABLE verification, or it is rejected at once. One correction request per person may be open at a time (CORRECTION_OPEN). Roles: PRIVACY_OPS, ADMIN. */
  requestCorrection: DataRequest;
  /** Opens a deletion (erasure) request for a user, emails them a receipt (when they have an address) and queues the erasure; a second one while one is open returns the open one. An erased user is refused (SUBJECT_ERASED). Roles: PRIVACY_OPS, ADMIN. */
  requestErasure: DataRequestReceipt;
  /** Builds a usage report and records it as shared with a partner: one non-identifiable AGGREGATE_ANALYTICS disclosure citing the report’s SHA-256, and the report’s window. A partner receives no report whose window overlaps one it already has, unless it is that very report again (BAD_USER_INPUT, reason WINDOW_OVERLAPS_SHARED_REPORT, with the earlier disclosures’ ids): the difference of two overlapping reports would release what neither does. A DIFFERENTIAL_PRIVACY report is not held to windows but spends its epsilon from the partner’s budget, and is refused past it (PRIVACY_BUDGET_EXCEEDED). Roles: PRIVACY_OPS, ADMIN. */
  shareUsageReport: SharedUsageReport;
  /** Starts an export for an acquirer and returns it PENDING; background jobs then write it, limited to the people and records that exist at this call. Audited. Roles: MNA, ADMIN. */
  startBusinessTransfer: BusinessTransfer;
  /** Withdraws the consent a signed unsubscribe link names (source UNSUBSCRIBE_LINK). The token is the credential: no bearer token is needed (PUBLIC), though any role may call it too and an invalid bearer token is still refused. Idempotent. */
  unsubscribe: UnsubscribeResult;
  /** Changes a recipient's details (not its kind) and returns it; the result must meet the rules of registerRecipient. Roles: PRIVACY_OPS, ADMIN. */
  updateRecipient: Recipient;
  /** Changes a user's personal fields and returns the user. An erased user cannot change (CONFLICT). Roles: APP, PRIVACY_OPS, ADMIN; under a read purpose, only fields that purpose may see can be given. */
  updateUser: User;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationAcknowledgePolicyArgs = {
  userId: Scalars['ID']['input'];
  version: Scalars['String']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationAddSubjectsToLegalHoldArgs = {
  holdId: Scalars['ID']['input'];
  subjectIds: Array<Scalars['ID']['input']>;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationCancelBusinessTransferArgs = {
  id: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationDecideCorrectionArgs = {
  decisions: Array<CorrectionDecisionInput>;
  requestId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationExtendRequestDeadlineArgs = {
  reason: Scalars['String']['input'];
  requestId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationFlagChildArgs = {
  userId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationPlaceLegalHoldArgs = {
  input: PlaceLegalHoldInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationPublishPolicyVersionArgs = {
  input: PublishPolicyVersionInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRecordCollectionEventArgs = {
  input: RecordCollectionEventInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRecordConsentArgs = {
  input: RecordConsentInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRecordDisclosureArgs = {
  input: RecordDisclosureInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRegisterRecipientArgs = {
  input: RegisterRecipientInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRegisterUserArgs = {
  input: RegisterUserInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationReissueAccessLinkArgs = {
  requestId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationReleaseLegalHoldArgs = {
  holdId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRequestAccessArgs = {
  channel: Scalars['String']['input'];
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
  verification: VerificationMethod;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRequestCaliforniaNoticeArgs = {
  channel: NoticeChannel;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRequestCaliforniaNoticesArgs = {
  channel: NoticeChannel;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userIds: Array<Scalars['ID']['input']>;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRequestCorrectionArgs = {
  changes: UpdateUserInput;
  channel: Scalars['String']['input'];
  evidence?: InputMaybe<Scalars['String']['input']>;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
  verification: VerificationMethod;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationRequestErasureArgs = {
  channel: Scalars['String']['input'];
  userId: Scalars['ID']['input'];
  verification?: InputMaybe<VerificationMethod>;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationShareUsageReportArgs = {
  input: UsageReportInput;
  partnerId: Scalars['ID']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationStartBusinessTransferArgs = {
  input: StartBusinessTransferInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationUnsubscribeArgs = {
  token: Scalars['String']['input'];
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationUpdateRecipientArgs = {
  id: Scalars['ID']['input'];
  input: UpdateRecipientInput;
};


/** Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject. */
export type MutationUpdateUserArgs = {
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
};

/** DESIGNATED: the address or channel the company designated (30 days); OTHER: anywhere else (150 days). */
export type NoticeChannel =
  /** Received at the address or channel the company designated for these requests: the answer is due 30 days after receipt. */
  | 'DESIGNATED'
  /** Received anywhere else: the answer is due within 150 days of receipt. */
  | 'OTHER';

/** A third party or affiliate named in a Shine-the-Light answer, as recorded when the notice was compiled. */
export type NoticeRecipient = {
  __typename?: 'NoticeRecipient';
  /** Products or services it markets, where the name does not tell. */
  businessDescription: Maybe<Scalars['String']['output']>;
  /** The recipient's name. */
  name: Scalars['String']['output'];
  /** Its postal address; null if none was on record when the notice was compiled. */
  postalAddress: Maybe<Scalars['String']['output']>;
};

/** Where a page sits in its list (Relay cursor connections): pass endCursor as `after` to get the next page. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The last item's cursor, the `after` of the next page; null on an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when the page was asked for `after` a cursor, so items may come before it (this API pages forward only and does not count them). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The first item's cursor; null on an empty page. */
  startCursor: Maybe<Scalars['String']['output']>;
};

/** A new legal hold: its matter, the people it covers, and optionally the categories and period it is limited to. */
export type PlaceLegalHoldInput = {
  /** The matter’s case or docket reference, 1 to 200 characters. */
  caseReference: Scalars['String']['input'];
  /** fideslang data category keys (see dataCategories), at most 50, to limit the hold to; omit or leave empty for every category. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Optional notes, 1 to 2000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Start (inclusive, ISO 8601 UTC date-time) of the history to hold: consent changes, disclosures and visits. Omit for no lower bound. */
  from?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Name of the legal matter, 1 to 200 characters. */
  matter: Scalars['String']['input'];
  /** Ids of the users to hold, 1 to 10,000 (add more later with addSubjectsToLegalHold). Every id must exist; erased users are reported, not added. */
  subjectIds: Array<Scalars['ID']['input']>;
  /** End (exclusive, ISO 8601 UTC date-time) of the history to hold; must be after from. Omit for no upper bound. */
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** The notice of one policy version to one user. */
export type PolicyNotice = {
  __typename?: 'PolicyNotice';
  /** When the user acknowledged the version (ISO 8601 date-time, UTC); the first acknowledgement stands. Null if they have not. */
  acknowledgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** How the user was told. */
  channel: PolicyNoticeChannel;
  /** When the notice was recorded, its email queued or the posted notice counted (ISO 8601 date-time, UTC); for a user who acknowledged before any notice, the acknowledgement's time. */
  notifiedAt: Scalars['DateTimeISO']['output'];
  /** The label of the policy version the notice is of. */
  version: Scalars['String']['output'];
};

/** EMAIL: sent through the outbox; POSTED: the posted policy stands as notice. */
export type PolicyNoticeChannel =
  /** Emailed (through the outbox) to a user who has an email address and receives legal-notice emails. */
  | 'EMAIL'
  /** No email: the user has no address or withdrew LEGAL_NOTICE_EMAIL, or acknowledged the version before any notice; the posted policy stands as notice. */
  | 'POSTED';

/** Notices on record for a version, as the fan-out job progresses. */
export type PolicyNoticeCounts = {
  __typename?: 'PolicyNoticeCounts';
  /** Users who acknowledged the version, whichever way they were notified. */
  acknowledged: Scalars['Int']['output'];
  /** Users notified by email so far. */
  emailed: Scalars['Int']['output'];
  /** Users for whom the posted policy stands as notice so far. */
  posted: Scalars['Int']['output'];
};

/** A published version of the privacy policy. */
export type PolicyVersion = {
  __typename?: 'PolicyVersion';
  /** When this version governs (ISO 8601 date-time, UTC). */
  effectiveAt: Scalars['DateTimeISO']['output'];
  /** The version's id. */
  id: Scalars['ID']['output'];
  /** How many notices of this version are on record so far, by channel, and how many were acknowledged. */
  notices: PolicyNoticeCounts;
  /** When it was published (ISO 8601 date-time, UTC). */
  publishedAt: Scalars['DateTimeISO']['output'];
  /** The token subject that published it. */
  publishedBy: Scalars['String']['output'];
  /** What changed, in plain words, as sent in the notice email. */
  summary: Scalars['String']['output'];
  /** Where the full policy is posted (absolute http(s) URL). */
  url: Scalars['String']['output'];
  /** The version label as published; unique. */
  version: Scalars['String']['output'];
};

/** The result of checking a legal hold’s preserved copies for tampering: each record against its SHA-256 and keyed MAC, and the whole set against the hold’s seal. */
export type PreservationReport = {
  __typename?: 'PreservationReport';
  /** The hold checked. */
  holdId: Scalars['ID']['output'];
  /** Ids of preserved records whose content, hash or keyed MAC does not verify. Records preserved before keyed MACs were introduced are listed too. */
  mismatchedRecordIds: Array<Scalars['ID']['output']>;
  /** Preserved records of the hold found and checked. */
  recordsChecked: Scalars['Int']['output'];
  /** How many records the hold’s seal says are preserved (purged ones taken off). */
  recordsSealed: Scalars['Int']['output'];
  /** The seal verifies under the key, which is not in the database. */
  sealValid: Scalars['Boolean']['output'];
  /** The records found are exactly the sealed set: none deleted, none inserted. */
  setMatchesSeal: Scalars['Boolean']['output'];
  /** True only when no record mismatches, sealValid is true and setMatchesSeal is true. */
  valid: Scalars['Boolean']['output'];
};

/** Whether every preserved copy of a legal hold has been written. */
export type PreservationStatus =
  /** Every subject in scope has been copied. */
  | 'COMPLETED'
  /** A snapshot job is still copying the history (consent changes, disclosures, visits) of some subjects; their current records and consents were copied when they were placed under the hold. */
  | 'PENDING';

/** A copy of one record about a person, kept by a legal hold as it was when the person was placed under the hold. Later updates or erasure do not change it. */
export type PreservedRecord = {
  __typename?: 'PreservedRecord';
  /** The record as canonical JSON (sorted keys, ISO 8601 UTC dates), limited to the hold’s categories; exactly the text that was hashed. Reading it is logged as a read of that person’s data. */
  content: Scalars['String']['output'];
  /** The preserved copy’s own id. */
  id: Scalars['ID']['output'];
  /** When the copy was written (ISO 8601 UTC date-time): at placement, or later by the snapshot job for the history of a large scope, which it copies only up to what existed at placement. */
  preservedAt: Scalars['DateTimeISO']['output'];
  /** After this ISO 8601 UTC date-time the copy is deleted. Set when the last active hold covering the person is released, LEGAL_HOLD_PURGE_GRACE_DAYS (default 30) after the release; null while this hold or another one covering the person is active. */
  purgeAfter: Maybe<Scalars['DateTimeISO']['output']>;
  /** Id of the original record (a user, consent, consent change, disclosure or visit, per recordType). */
  recordId: Scalars['ID']['output'];
  /** The kind of record copied, which names the table recordId refers to. */
  recordType: PreservedRecordType;
  /** Hex SHA-256 of content, taken when the copy was made. */
  sha256: Scalars['String']['output'];
  /** Id of the user the record is about. */
  subjectId: Scalars['ID']['output'];
};

/** A page of PreservedRecord items (Relay cursor connection), in the list's fixed order. */
export type PreservedRecordConnection = {
  __typename?: 'PreservedRecordConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<PreservedRecordEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One PreservedRecord in a page, with its cursor. */
export type PreservedRecordEdge = {
  __typename?: 'PreservedRecordEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The PreservedRecord. */
  node: PreservedRecord;
};

/** Which kind of record a preserved copy was taken from. */
export type PreservedRecordType =
  /** One visit recorded automatically (IP address, device, page, location), limited to the fields of the hold’s categories. */
  | 'COLLECTION_EVENT'
  /** A consent as it currently stood (one per purpose). */
  | 'CONSENT'
  /** One change in the person’s consent history. */
  | 'CONSENT_EVENT'
  /** One disclosure of the person’s data to a recipient. */
  | 'DISCLOSURE'
  /** The person’s own record (a User), limited to the fields of the hold’s categories. */
  | 'SUBJECT';

/** The privacy loss ε a partner may receive from differentially private reports, in all (DP_PARTNER_EPSILON_BUDGET), and how much it has. */
export type PrivacyBudget = {
  __typename?: 'PrivacyBudget';
  /** What is left. */
  remainingEpsilon: Scalars['Float']['output'];
  /** Spent by every report shared with the partner, this one included. */
  spentEpsilon: Scalars['Float']['output'];
  /** The partner’s whole budget. */
  totalEpsilon: Scalars['Float']['output'];
};

/** A new version of the privacy policy, to publish. */
export type PublishPolicyVersionInput = {
  /** When the new version governs (ISO 8601 date-time). */
  effectiveAt: Scalars['DateTimeISO']['input'];
  /** What changed, in plain words, 1 to 4000 characters; sent in the notice email. */
  summary: Scalars['String']['input'];
  /** Where the full policy is posted: an absolute http(s) URL, at most 2048 characters. */
  url: Scalars['String']['input'];
  /** The version label, unique: 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit. */
  version: Scalars['String']['input'];
};

/** What a user may consent to. Without a GRANTED consent for a purpose, the company does not use the user's data for it. */
export type Purpose =
  /** Cookies and similar technologies that measure use of the website. */
  | 'ANALYTICS_COOKIES'
  /** Confirming that an email was opened (a tracking pixel); opens are recorded only while it is granted. */
  | 'EMAIL_OPEN_TRACKING'
  /** Notices of privacy policy changes by email; a person who withdraws it is bound by the posted notice instead. */
  | 'LEGAL_NOTICE_EMAIL'
  /** Marketing email about the company's own products, services and offers. */
  | 'PRODUCT_EMAIL'
  /** Disclosing personal information to third parties or affiliates for their own direct marketing. A Global Privacy Control signal withdraws it. */
  | 'THIRD_PARTY_MARKETING_SHARING'
  /** Promotional email the company sends on behalf of other businesses. */
  | 'THIRD_PARTY_OFFERS';

/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type Query = {
  __typename?: 'Query';
  /** Who read whose data, in which role, for which purpose; newest first, one page at a time; the filters given all apply. Roles: LEGAL, PRIVACY_OPS, ADMIN. */
  accessLog: AccessLogConnection;
  /** The audit log in chain order (seq ascending), one page at a time. Roles: LEGAL, PRIVACY_OPS, ADMIN. */
  auditEvents: AuditEventConnection;
  /** One business transfer by id; null when no transfer has that id. Roles: MNA, ADMIN. */
  businessTransfer: Maybe<BusinessTransfer>;
  /** How many people a transfer with this scope would export if started now: ACTIVE people matching it, the count startBusinessTransfer fixes at start. A scope startBusinessTransfer would refuse is refused the same way (BAD_USER_INPUT); an empty match is 0. Roles: MNA, ADMIN. */
  businessTransferScopeSize: Scalars['Int']['output'];
  /** Business transfers in id order (oldest first), as a Relay connection. Roles: MNA, ADMIN. */
  businessTransfers: BusinessTransferConnection;
  /** Every data category, ordered by key. Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN. */
  dataCategories: Array<DataCategory>;
  /** One request by its id; null when there is none. Roles: PRIVACY_OPS, LEGAL, ADMIN. */
  dataRequest: Maybe<DataRequest>;
  /** Requests of every user, oldest first (by id), one page at a time; the filters given all apply. Roles: PRIVACY_OPS, LEGAL, ADMIN. */
  dataRequests: DataRequestConnection;
  /** One legal hold by id, active or released; null when no hold has that id. Roles: LEGAL, PRIVACY_OPS, ADMIN. */
  legalHold: Maybe<LegalHold>;
  /** Legal holds in id order (oldest first), as a Relay connection. Roles: LEGAL, PRIVACY_OPS, ADMIN. */
  legalHolds: LegalHoldConnection;
  /** Every published version, newest first (by publishedAt). The policy is public: any role may read it (APP, LEGAL, MNA, PRIVACY_OPS, ADMIN), with a bearer token. */
  policyVersions: Array<PolicyVersion>;
  /** One recipient by id; null when none has that id. Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN. */
  recipient: Maybe<Recipient>;
  /** Recipients in ascending id order, a page at a time (Relay connection). Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN. */
  recipients: RecipientConnection;
  /** Builds a usage report (visit counts with small cells suppressed, or noisy counts in DIFFERENTIAL_PRIVACY mode) without sharing it: no disclosure is recorded and no privacy budget is spent. Roles: PRIVACY_OPS, ADMIN. */
  usageReport: UsageReport;
  /** One user by id; null when no user has that id. Under a marketing read purpose (PRODUCT_EMAIL, THIRD_PARTY_OFFERS), a user who may not be read about for it is null with a FORBIDDEN error giving the reason. Roles: APP (with a read purpose), LEGAL, PRIVACY_OPS, ADMIN. */
  user: Maybe<User>;
  /** Users in ascending id order, a page at a time (Relay connection). Under a marketing read purpose (PRODUCT_EMAIL, THIRD_PARTY_OFFERS), people who did not grant its consent (or, for THIRD_PARTY_OFFERS, sent a GPC opt-out) are left out. Roles: APP (with a read purpose), LEGAL, PRIVACY_OPS, ADMIN. */
  users: UserConnection;
  /** Re-hashes the whole audit chain, checks it against the signed checkpoints published outside the database, and reports the first broken link. Roles: LEGAL, PRIVACY_OPS, ADMIN. */
  verifyAuditChain: AuditChainReport;
  /** Checks a completed transfer's files on the gateway's disk against the manifest recorded in the database when it finished (size and SHA-256 of each file, manifest.json itself, and its Ed25519 signature manifest.json.sig). CONFLICT when the transfer is not completed or its files were purged. Roles: MNA, ADMIN. */
  verifyBusinessTransfer: ExportVerification;
  /** Checks that a hold’s preserved copies were not altered, deleted or added to: each record against its SHA-256 and keyed MAC, and the set against the hold’s seal. Reads every record of the hold. Roles: LEGAL, ADMIN. */
  verifyPreservation: PreservationReport;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryAccessLogArgs = {
  actor?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<ReadPurpose>;
  role?: InputMaybe<Role>;
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  subjectId?: InputMaybe<Scalars['ID']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryBusinessTransferArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryBusinessTransferScopeSizeArgs = {
  scope: BusinessTransferScopeInput;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryBusinessTransfersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<BusinessTransferStatus>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryDataRequestArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryDataRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<DataRequestStatus>;
  type?: InputMaybe<DataRequestType>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryLegalHoldArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryLegalHoldsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<LegalHoldStatus>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryRecipientArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryRecipientsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<RecipientKind>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryUsageReportArgs = {
  input: UsageReportInput;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<UserFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryVerifyBusinessTransferArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log. */
export type QueryVerifyPreservationArgs = {
  holdId: Scalars['ID']['input'];
};

/** Why an internal app reads personal data, declared in the X-Purpose header (required for the APP role). It decides which users, fields and lists the request sees; masked fields are null and hidden lists empty. */
export type ReadPurpose =
  /** Statistics about users: no name, contact details or precise location; age only as a band. */
  | 'ANALYTICS'
  /** The company's own marketing email: only people who granted PRODUCT_EMAIL, and only what addresses them. */
  | 'PRODUCT_EMAIL'
  /** Detecting and investigating fraud and account abuse: who the person is, how to reach them, and what was shared. */
  | 'SECURITY'
  /** Providing the service the person asked for: account, orders, delivery, billing. */
  | 'SERVICE'
  /** Answering the person when they contact the company; no date of birth. */
  | 'SUPPORT'
  /** Emailing offers on behalf of other businesses: only people who granted THIRD_PARTY_OFFERS and sent no GPC opt-out. */
  | 'THIRD_PARTY_OFFERS';

/** A business or body outside the company that receives personal information, or aggregates of it. */
export type Recipient = {
  __typename?: 'Recipient';
  /** The purposes it may receive data for, in alphabetical order; a disclosure for any other purpose is refused. */
  allowedPurposes: Array<DisclosurePurpose>;
  /** Examples of the products or services it markets, for a Shine-the-Light notice where its name does not make its business clear; null when not recorded. */
  businessDescription: Maybe<Scalars['String']['output']>;
  /** The reference of the contract governing what it receives; null when not recorded. */
  contractReference: Maybe<Scalars['String']['output']>;
  /** When the recipient was registered (ISO 8601 date-time, UTC). */
  createdAt: Scalars['DateTimeISO']['output'];
  /** What was disclosed to this recipient, newest first (by occurredAt), a page at a time. Seen by LEGAL, PRIVACY_OPS and ADMIN, and under the SERVICE, SUPPORT and SECURITY read purposes; empty otherwise (e.g. for MNA). */
  disclosures: DisclosureConnection;
  /** Contact email address, in lower case; notices of a person's erasure or correction are sent there. Null when not recorded (then none is emailed). */
  email: Maybe<Scalars['String']['output']>;
  /** The recipient's id. */
  id: Scalars['ID']['output'];
  /** What relation the recipient has to the company. */
  kind: RecipientKind;
  /** The recipient's name, unique among recipients; a Shine-the-Light notice names it. */
  name: Scalars['String']['output'];
  /** Postal address as free text; a THIRD_PARTY or AFFILIATE needs one to receive data for DIRECT_MARKETING. Null when not recorded. */
  postalAddress: Maybe<Scalars['String']['output']>;
  /** When the recipient's record last changed (ISO 8601 date-time, UTC). */
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** A business or body outside the company that receives personal information, or aggregates of it. */
export type RecipientDisclosuresArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<DisclosurePurpose>;
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** A page of Recipient items (Relay cursor connection), in the list's fixed order. */
export type RecipientConnection = {
  __typename?: 'RecipientConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<RecipientEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One Recipient in a page, with its cursor. */
export type RecipientEdge = {
  __typename?: 'RecipientEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The Recipient. */
  node: Recipient;
};

/** What relation a recipient has to the company; it limits the purposes the recipient may receive data for. */
export type RecipientKind =
  /** The buyer in a merger, acquisition or bankruptcy sale. */
  | 'ACQUIRER'
  /** A related company that is a separate legal entity; counts as a third party under Shine-the-Light. Each disclosure to it needs a transaction reference. */
  | 'AFFILIATE'
  /** A service provider acting only for the company (e.g. a payment processor); never receives data for BUSINESS_TRANSFER. */
  | 'AGENT'
  /** A public authority such as a regulator or court; never for DIRECT_MARKETING or BUSINESS_TRANSFER, and not told of deletions or corrections. */
  | 'AUTHORITY'
  /** Receives only anonymized or aggregate data; never for DIRECT_MARKETING or BUSINESS_TRANSFER. */
  | 'PARTNER'
  /** An unrelated business that uses the data for its own ends. */
  | 'THIRD_PARTY';

/** One visit as the server logs saw it; every field is optional. */
export type RecordCollectionEventInput = {
  /** A cookie identifier, 1 to 128 characters. */
  cookieId?: InputMaybe<Scalars['String']['input']>;
  /** A device identifier, 1 to 128 characters. */
  deviceId?: InputMaybe<Scalars['String']['input']>;
  /** The request carried Do Not Track (DNT: 1); recorded only, as it has no legal force. False when omitted. */
  dnt?: InputMaybe<Scalars['Boolean']['input']>;
  /** Accuracy radius of the location in metres, 0 to 20,000,000; under 500 counts as precise geolocation. */
  geoAccuracyM?: InputMaybe<Scalars['Int']['input']>;
  /** The request carried Global Privacy Control (Sec-GPC: 1). Only stored on the event: this mutation withdraws no consent (POST /collect does). False when omitted. */
  gpc?: InputMaybe<Scalars['Boolean']['input']>;
  /** The visitor's IPv4 or IPv6 address. */
  ipAddress?: InputMaybe<Scalars['String']['input']>;
  /** Latitude in decimal degrees, -90 to 90; given together with longitude. */
  latitude?: InputMaybe<Scalars['Float']['input']>;
  /** Longitude in decimal degrees, -180 to 180; given together with latitude. */
  longitude?: InputMaybe<Scalars['Float']['input']>;
  /** When the visit happened (ISO 8601 date-time); defaults to now and may not be in the future. */
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** The page or feature requested, e.g. a URL, 1 to 2048 characters. */
  page?: InputMaybe<Scalars['String']['input']>;
  /** The visitor's region as an ISO 3166-2 code, e.g. US-CA. */
  region?: InputMaybe<Scalars['String']['input']>;
  /** The browser's User-Agent header, 1 to 512 characters. */
  userAgent?: InputMaybe<Scalars['String']['input']>;
  /** The user the visit is linked to, if known; an erased user is refused with CONFLICT. */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** A person's choice about one purpose. */
export type RecordConsentInput = {
  /** When the person made the choice (ISO 8601 date-time); defaults to now and may not be in the future. */
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** The label of the privacy policy version the person was shown (as in publishPolicyVersion): 1 to 40 letters, digits, dots, dashes or underscores. */
  policyVersion?: InputMaybe<Scalars['String']['input']>;
  /** The purpose the choice is about. */
  purpose: Purpose;
  /** How the person expressed the choice; FORM when omitted. */
  source?: ConsentSource;
  /** GRANTED to consent, WITHDRAWN to refuse or withdraw. */
  status: ConsentStatus;
  /** The user who made the choice; an erased user is refused with CONFLICT. */
  userId: Scalars['ID']['input'];
};

/** A disclosure to record: what was shared with which recipient, about whom, and why. */
export type RecordDisclosureInput = {
  /** The data categories disclosed, as fideslang keys listed by dataCategories (e.g. user.contact.email); 1 to 50 of them. */
  categories: Array<Scalars['String']['input']>;
  /** Whether the data identifies the user; defaults to true when userId is given, false otherwise. True needs a userId; a PARTNER receives only non-identifiable data. */
  identifiable?: InputMaybe<Scalars['Boolean']['input']>;
  /** When the disclosure happened (ISO 8601 date-time); defaults to now and may not be in the future. */
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Why the data was disclosed. Identifiable DIRECT_MARKETING to a THIRD_PARTY or AFFILIATE needs the user's THIRD_PARTY_MARKETING_SHARING consent and no GPC opt-out (CONFLICT otherwise). */
  purpose: DisclosurePurpose;
  /** The recipient's id; the recipient must be allowed the purpose. */
  recipientId: Scalars['ID']['input'];
  /** The reference of the related transaction, 1 to 200 characters; required when the recipient is an AFFILIATE. */
  transactionReference?: InputMaybe<Scalars['String']['input']>;
  /** The user the data is about; omit for aggregate or anonymized data. An erased user is refused with CONFLICT; a RESTRICTED one only for LEGAL_COMPLIANCE. */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** A recipient to register. */
export type RegisterRecipientInput = {
  /** The purposes it may receive data for, 1 to 6. PARTNER and AUTHORITY cannot have DIRECT_MARKETING or BUSINESS_TRANSFER; AGENT cannot have BUSINESS_TRANSFER. */
  allowedPurposes: Array<DisclosurePurpose>;
  /** Examples of the products or services it markets, where its name does not make its business clear; 1 to 1000 characters. */
  businessDescription?: InputMaybe<Scalars['String']['input']>;
  /** The reference of the contract governing what it receives, 1 to 200 characters. */
  contractReference?: InputMaybe<Scalars['String']['input']>;
  /** Contact email address, at most 254 characters; notices of a person's erasure or correction are sent there. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** What relation the recipient has to the company; it cannot change later. */
  kind: RecipientKind;
  /** The recipient's name, 1 to 200 characters; unique among recipients (CONFLICT otherwise). */
  name: Scalars['String']['input'];
  /** Postal address as free text, 1 to 500 characters. Required for a THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING, because a Shine-the-Light notice gives it. */
  postalAddress?: InputMaybe<Scalars['String']['input']>;
};

/** A person to register (Contact Us intake). At least an email or a phone is required. */
export type RegisterUserInput = {
  /** Age range in years when the birth date is not known, e.g. 25-34 or 65+. A range wholly under 13 is refused. */
  ageRange?: InputMaybe<Scalars['String']['input']>;
  /** Date of birth, YYYY-MM-DD. A person under 13 is refused (BAD_USER_INPUT, reason UNDER_MINIMUM_AGE) and nothing is stored. */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  /** City, 1 to 100 characters. */
  city?: InputMaybe<Scalars['String']['input']>;
  /** Country as an ISO 3166-1 alpha-2 code, e.g. US. */
  country?: InputMaybe<Scalars['String']['input']>;
  /** Email address, at most 254 characters; stored in lower case. No two users share one (CONFLICT otherwise). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Full name, 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Phone number in E.164 format, e.g. +14155550123. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Postal code: letters, digits, spaces or dashes, at most 20 characters (e.g. 94105-1234, SW1A 1AA). */
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** State or province as an ISO 3166-2 code, e.g. US-CA; must lie in country when both are known. */
  region?: InputMaybe<Scalars['String']['input']>;
  /** How the person came to the company; CONTACT_FORM when omitted. */
  source?: SubjectSource;
  /** Street address (number, street, unit), 1 to 300 characters. */
  streetAddress?: InputMaybe<Scalars['String']['input']>;
};

/** A letter, email or notice a rights request caused, to the person or to a recipient, as its addressee received it; its address is never shown (it is erased once the message is delivered). */
export type RequestMessage = {
  __typename?: 'RequestMessage';
  /** Email or printed letter. */
  channel: MessageChannel;
  /** True when the body was cleared: the message was cancelled (its addressee erased before delivery), or delivered and then scrubbed. */
  cleared: Scalars['Boolean']['output'];
  /** When the message was written (with the change that caused it). */
  createdAt: Scalars['DateTimeISO']['output'];
  /** The message's id in the outbox. */
  id: Scalars['ID']['output'];
  /** What the message is, e.g. ERASURE_CONFIRMATION, ERASURE_BLOCKED, ERASURE_NOTICE (to a recipient), CALIFORNIA_NOTICE, DEADLINE_EXTENDED. */
  kind: Scalars['String']['output'];
  /** The recipient (a company the data was disclosed to) it was sent to; null when it went to the person. */
  recipientId: Maybe<Scalars['ID']['output']>;
  /** When it was delivered; null until then. */
  sentAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** Where the message is in its delivery. */
  status: MessageStatus;
  /** The subject line, as sent. */
  subject: Scalars['String']['output'];
  /** The plain-text body, as the addressee read it; empty when withheld or cleared. */
  text: Scalars['String']['output'];
  /** True when the body is never shown here, delivered or not: it names the person to a recipient (an erasure or correction notice) or carries a one-time link or corrected values (an access package, a correction answer). */
  withheld: Scalars['Boolean']['output'];
};

/** A role a caller's token carries; each query and mutation names the roles that may call it. */
export type Role =
  /** Administrators: may call everything. */
  | 'ADMIN'
  /** An internal application. Every request declares a read purpose (X-Purpose header), which limits the people, fields and lists it sees. */
  | 'APP'
  /** The legal team: reads people, data requests and the audit and access logs; places, extends and releases legal holds. */
  | 'LEGAL'
  /** Mergers and acquisitions: runs business transfers; reads recipients and data categories but no person, disclosure or hold. */
  | 'MNA'
  /** Privacy operations: what APP may do without declaring a purpose, plus recipients, data requests, reports and the logs. */
  | 'PRIVACY_OPS';

/** A usage report shared with a partner, and the disclosure that records the sharing. */
export type SharedUsageReport = {
  __typename?: 'SharedUsageReport';
  /** The non-identifiable disclosure to the partner: purpose AGGREGATE_ANALYTICS, no subject, transaction reference usage-report:sha256:<the report’s sha256> (usage-report:dp:epsilon=<ε>:sha256:<sha256> for a DIFFERENTIAL_PRIVACY report). */
  disclosure: Disclosure;
  /** DIFFERENTIAL_PRIVACY: the partner’s ε budget after this report; null for SUPPRESSION. */
  privacyBudget: Maybe<PrivacyBudget>;
  /** The report as released to the partner. */
  report: UsageReport;
};

/** A new business transfer: the deal, the acquirer, the phase, who is exported and how. */
export type StartBusinessTransferInput = {
  /** Id of a recipient of kind ACQUIRER whose allowed purposes include BUSINESS_TRANSFER. */
  acquirerId: Scalars['ID']['input'];
  /** Name of the deal, 1 to 200 characters. */
  dealName: Scalars['String']['input'];
  /** The acquirer’s RSA public key (PEM, at least 2048 bits, at most 20,000 characters): the files are then encrypted with AES-256-GCM under a data key wrapped for it with RSA-OAEP-SHA256. Omit for unencrypted files. */
  encryptFor?: InputMaybe<Scalars['String']['input']>;
  /** Format of the export files; NDJSON when omitted. */
  format?: InputMaybe<ExportFormat>;
  /** DUE_DILIGENCE for class aggregates of at least k people, never a row per person; CLOSING for full records. */
  phase: BusinessTransferPhase;
  /** Which people to export. */
  scope: BusinessTransferScopeInput;
};

/** How a user first came to be on record, as the registering caller declared it. */
export type SubjectSource =
  /** Entered by staff. */
  | 'ADMIN'
  /** The Contact Us form (the default of registerUser). */
  | 'CONTACT_FORM'
  /** Imported from another system. */
  | 'IMPORT'
  /** Through the company's website. */
  | 'WEBSITE';

/** Where a user (a person whose data the company holds) stands with respect to erasure. */
export type SubjectStatus =
  /** The data is held and used normally. */
  | 'ACTIVE'
  /** Erased: every personal field is gone and only a tombstone (id, status, source and times) remains. */
  | 'ERASED'
  /** The person asked to be erased, but a legal hold keeps some or all of their data; what is kept may be used for the hold's legal purpose only. Read purposes other than SECURITY see such a user as ERASED. */
  | 'RESTRICTED';

/** The answer to an unsubscribe link: which consent it withdrew, and nothing about the person. */
export type UnsubscribeResult = {
  __typename?: 'UnsubscribeResult';
  /** False when it was already withdrawn (a second click): nothing was written. */
  changed: Scalars['Boolean']['output'];
  /** The consent the link withdrew. */
  purpose: Purpose;
};

/** The recipient fields to change: an omitted field keeps its value; null clears postalAddress, email, businessDescription or contractReference. */
export type UpdateRecipientInput = {
  /** Replaces the whole list of purposes it may receive data for, 1 to 6, under the same rules as at registration. */
  allowedPurposes?: InputMaybe<Array<DisclosurePurpose>>;
  /** Examples of the products or services it markets, where its name does not make its business clear; 1 to 1000 characters. */
  businessDescription?: InputMaybe<Scalars['String']['input']>;
  /** The reference of the contract governing what it receives, 1 to 200 characters. */
  contractReference?: InputMaybe<Scalars['String']['input']>;
  /** Contact email address, at most 254 characters; notices of a person's erasure or correction are sent there. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** A new name, 1 to 200 characters; unique among recipients (CONFLICT otherwise). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Postal address as free text, 1 to 500 characters. A THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING must keep one. */
  postalAddress?: InputMaybe<Scalars['String']['input']>;
};

/** The personal fields of a user to change: an omitted field keeps its value, null clears it. An email or a phone must remain. */
export type UpdateUserInput = {
  /** Age range in years when the birth date is not known, e.g. 25-34 or 65+. A range wholly under 13 is refused. */
  ageRange?: InputMaybe<Scalars['String']['input']>;
  /** Date of birth, YYYY-MM-DD. A person under 13 is refused (BAD_USER_INPUT, reason UNDER_MINIMUM_AGE) and nothing is stored. */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  /** City, 1 to 100 characters. */
  city?: InputMaybe<Scalars['String']['input']>;
  /** Country as an ISO 3166-1 alpha-2 code, e.g. US. */
  country?: InputMaybe<Scalars['String']['input']>;
  /** Email address, at most 254 characters; stored in lower case. No two users share one (CONFLICT otherwise). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Full name, 1 to 200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Phone number in E.164 format, e.g. +14155550123. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Postal code: letters, digits, spaces or dashes, at most 20 characters (e.g. 94105-1234, SW1A 1AA). */
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** State or province as an ISO 3166-2 code, e.g. US-CA; must lie in country when both are known. */
  region?: InputMaybe<Scalars['String']['input']>;
  /** Street address (number, street, unit), 1 to 300 characters. */
  streetAddress?: InputMaybe<Scalars['String']['input']>;
};

/** The number of visits with one combination of dimension values. */
export type UsageCell = {
  __typename?: 'UsageCell';
  /** Visits with these values; null when suppressed (too small, or derivable from the totals). */
  count: Maybe<Scalars['Int']['output']>;
  /** One value per dimension, in the order of the report’s dimensions. */
  key: Array<Scalars['String']['output']>;
};

/** An attribute of recorded visits that a usage report counts by; each takes a generalized value that identifies no one. */
export type UsageDimension =
  /** Browser family from the user agent: Chrome, Edge, Firefox, Opera, Safari, Samsung Internet, or Other when unrecognized or missing. */
  | 'BROWSER'
  /** Device class from the user agent: desktop, mobile, tablet, bot or unknown. */
  | 'DEVICE_TYPE'
  /** The UTC calendar month of the visit, as YYYY-MM. */
  | 'MONTH'
  /** The path of the page visited, without host or query string; (unknown) when not recorded. */
  | 'PAGE'
  /** The region recorded with the visit (ISO 3166-2, e.g. US-CA); (unknown) when not recorded. */
  | 'REGION';

/** Counts of recorded visits by up to three dimensions, safe to share. SUPPRESSION: every released count is 0 or at least k, and counts that the totals would reveal are suppressed too (secondary suppression, audited by a solver); a suppressed count is null, whatever the reason. DIFFERENTIAL_PRIVACY: every count is noisy and none is suppressed. */
export type UsageReport = {
  __typename?: 'UsageReport';
  /** SUPPRESSION: one cell per combination of values that occurred in the period; DIFFERENTIAL_PRIVACY: one per combination of the dimensions’ public values, whether anyone came or not. Sorted by key. */
  cells: Array<UsageCell>;
  /** DIFFERENTIAL_PRIVACY: the most visits of one person counted (the sensitivity of the counts); null for SUPPRESSION. */
  contributionCap: Maybe<Scalars['Int']['output']>;
  /** The dimensions counted by, in the order of the values in every key. */
  dimensions: Array<UsageDimension>;
  /** DIFFERENTIAL_PRIVACY: the privacy loss ε of this report; null for SUPPRESSION. */
  epsilon: Maybe<Scalars['Float']['output']>;
  /** Start of the period counted (inclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC. */
  from: Scalars['DateTimeISO']['output'];
  /** All visits in the period; null when suppressed. */
  grandTotal: Maybe<Scalars['Int']['output']>;
  /** The minimum cell size applied; 0 for DIFFERENTIAL_PRIVACY, which suppresses nothing. */
  k: Scalars['Int']['output'];
  /** How the counts are protected. */
  mode: UsageReportMode;
  /** The protection width applied: for every suppressed count (cell or total), the whole numbers consistent with everything this report releases (and the fact that a listed cell occurred at least once) span at least this many, as a linear-programming audit over all the report’s equations at once has checked. ⌈k × ANONYMIZATION_PROTECTION_PERCENT / 100⌉, half of k by default. */
  protectionWidth: Scalars['Int']['output'];
  /** Hex SHA-256 of the report as JSON (everything above, dates in ISO 8601): identifies exactly what was released; a shared report’s disclosure cites it. */
  sha256: Scalars['String']['output'];
  /** How many cells are suppressed (totals not counted). */
  suppressedCells: Scalars['Int']['output'];
  /** The marginal totals over one or more dimensions, fewest fixed values first; the grand total is separate. */
  totals: Array<UsageTotal>;
  /** End of the period counted (exclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC. */
  until: Scalars['DateTimeISO']['output'];
};

/** What a usage report counts: the dimensions, the period, and the minimum cell size. */
export type UsageReportInput = {
  /** One to three dimensions to count by; their order is the order of values in each cell key, and repeats are dropped. */
  dimensions: Array<UsageDimension>;
  /** DIFFERENTIAL_PRIVACY only, and required there: the privacy loss ε of the report, a positive multiple of 0.001, at most the partner budget (DP_PARTNER_EPSILON_BUDGET). */
  epsilon?: InputMaybe<Scalars['Float']['input']>;
  /** Start of the period (inclusive, ISO 8601 UTC date-time); the report starts on the first of its month (UTC). */
  from: Scalars['DateTimeISO']['input'];
  /** Minimum cell size k: counts from 1 to k-1 are suppressed. At least ANONYMIZATION_K (11 unless configured; a smaller k is refused with reason K_BELOW_MINIMUM), at most 1000; defaults to ANONYMIZATION_K. */
  k?: InputMaybe<Scalars['Int']['input']>;
  /** SUPPRESSION (the default) or DIFFERENTIAL_PRIVACY. */
  mode?: InputMaybe<UsageReportMode>;
  /** End of the period (exclusive, ISO 8601 UTC date-time); after from and at most 731 days later. The report ends at the first month boundary at or after it (UTC), so every report covers whole calendar months. */
  until: Scalars['DateTimeISO']['input'];
};

/** How a usage report protects the people it counts. */
export type UsageReportMode =
  /** Every count noisy (discrete Laplace, scale DP_CONTRIBUTION_CAP / epsilon), each person counted with at most DP_CONTRIBUTION_CAP visits, over every combination of public values (MONTH, BROWSER, DEVICE_TYPE only). Sharing one spends epsilon from the partner’s budget. */
  | 'DIFFERENTIAL_PRIVACY'
  /** Exact counts; those under k, and those the rest would reveal, suppressed (audited by a linear-programming solver). */
  | 'SUPPRESSION';

/** A marginal total of a usage report: the sum of the cells that share the key’s non-null values. */
export type UsageTotal = {
  __typename?: 'UsageTotal';
  /** Visits in this total; null when suppressed. */
  count: Maybe<Scalars['Int']['output']>;
  /** One part per dimension, in the order of the report’s dimensions: a fixed value, or null where the total runs over that dimension. */
  key: Array<Maybe<Scalars['String']['output']>>;
};

/** A person whose data the company holds (a data subject). Erased users keep only a tombstone: id, status, source and times. Under a read purpose (X-Purpose), personal fields the purpose may not see are null and lists it may not see are empty. */
export type User = {
  __typename?: 'User';
  /** Who read this user’s data, newest first (roles LEGAL, PRIVACY_OPS, ADMIN). */
  accessLog: Maybe<AccessLogConnection>;
  /** Age range in years, e.g. 25-34 or 65+, when only a range is known; under the ANALYTICS read purpose, the age band of the birth date (or of this range) instead. Null when not given, after erasure, or when the read purpose may not see it. */
  ageRange: Maybe<Scalars['String']['output']>;
  /** Date of birth, YYYY-MM-DD. Null when not given, after erasure, or when the read purpose may not see it. */
  birthDate: Maybe<Scalars['String']['output']>;
  /** This user's California notice (Shine-the-Light) requests, oldest first. */
  californiaNotices: Array<DataRequest>;
  /** City. Null when not given, after erasure, or when the read purpose may not see it. */
  city: Maybe<Scalars['String']['output']>;
  /** Every consent change, oldest first. Empty after erasure and under read purposes other than SERVICE, SUPPORT and SECURITY. */
  consentHistory: Array<ConsentEvent>;
  /** The user's current consents, one per purpose ever recorded, ordered by purpose; a purpose missing here was never granted. Empty after erasure and under the SECURITY read purpose. */
  consents: Array<Consent>;
  /** Country as an ISO 3166-1 alpha-2 code, e.g. US. Null when not given, after erasure, or when the read purpose may not see it. */
  country: Maybe<Scalars['String']['output']>;
  /** When the user was registered (ISO 8601 date-time, UTC). */
  createdAt: Scalars['DateTimeISO']['output'];
  /** What was disclosed about this user, newest first (by occurredAt), a page at a time. Seen by LEGAL, PRIVACY_OPS and ADMIN, and under the SERVICE, SUPPORT and SECURITY read purposes; empty otherwise. */
  disclosures: DisclosureConnection;
  /** Email address, in lower case; unique among users. Null when not given, after erasure, or when the read purpose may not see it. */
  email: Maybe<Scalars['String']['output']>;
  /** When the erasure completed (ISO 8601 date-time, UTC); null while the user is not fully erased. */
  erasedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** The user's id, a positive integer. */
  id: Scalars['ID']['output'];
  /** Every hold (active or released) that covers this user. */
  legalHolds: Array<LegalHold>;
  /** Full name. Null when not given, after erasure, or when the read purpose may not see it. */
  name: Maybe<Scalars['String']['output']>;
  /** Phone number in E.164 format, e.g. +14155550123. Null when not given, after erasure, or when the read purpose may not see it. */
  phone: Maybe<Scalars['String']['output']>;
  /** Notices of policy versions, oldest version first. */
  policyNotices: Array<PolicyNotice>;
  /** Postal code. Null when not given, after erasure, or when the read purpose may not see it. */
  postalCode: Maybe<Scalars['String']['output']>;
  /** Every recipient that received anything about this user, in id order. Empty under read purposes other than SERVICE, SUPPORT and SECURITY. */
  recipients: Array<Recipient>;
  /** State or province as an ISO 3166-2 code, e.g. US-CA. Null when not given, after erasure, or when the read purpose may not see it. */
  region: Maybe<Scalars['String']['output']>;
  /** Every request this user made, of every type, oldest first. */
  requests: Array<DataRequest>;
  /** How the user first came to be on record. */
  source: SubjectSource;
  /** Whether the user is active, restricted by a legal hold after asking to be erased, or erased. Read purposes other than SECURITY see a RESTRICTED user as ERASED. */
  status: SubjectStatus;
  /** Street address (number, street, unit). Null when not given, after erasure, or when the read purpose may not see it. */
  streetAddress: Maybe<Scalars['String']['output']>;
  /** When the user's record last changed, including by erasure (ISO 8601 date-time, UTC). */
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** A person whose data the company holds (a data subject). Erased users keep only a tombstone: id, status, source and times. Under a read purpose (X-Purpose), personal fields the purpose may not see are null and lists it may not see are empty. */
export type UserAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A person whose data the company holds (a data subject). Erased users keep only a tombstone: id, status, source and times. Under a read purpose (X-Purpose), personal fields the purpose may not see are null and lists it may not see are empty. */
export type UserDisclosuresArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<DisclosurePurpose>;
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** A page of User items (Relay cursor connection), in the list's fixed order. */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The items of this page, at most `first` of them. */
  edges: Array<UserEdge>;
  /** Whether more pages follow or precede, and the cursors to reach them. */
  pageInfo: PageInfo;
};

/** One User in a page, with its cursor. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** An opaque position in the list: pass it as `after` to start the next page after this item. */
  cursor: Scalars['String']['output'];
  /** The User. */
  node: User;
};

/** Conditions on the users list; all given conditions must hold. */
export type UserFilter = {
  /** Only users registered at or after this instant (ISO 8601 date-time). */
  createdFrom?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Only users registered before this instant (exclusive); must be later than createdFrom. */
  createdUntil?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Only the user with this email address (case-insensitive). Refused under a read purpose that may not see email addresses. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Only users who currently grant this purpose. */
  purposeGranted?: InputMaybe<Purpose>;
  /** Only users in this ISO 3166-2 region, e.g. US-CA. */
  region?: InputMaybe<Scalars['String']['input']>;
  /** Only users in this status. Under a read purpose other than SECURITY, RESTRICTED users count as ERASED. */
  status?: InputMaybe<SubjectStatus>;
};

/** The degree of certainty a verification reaches, or a request needs, lowest first. */
export type VerificationLevel =
  /** No certainty about who is asking. */
  | 'NONE'
  /** "A reasonable degree of certainty" (7062(b)): enough for categories of information and for most deletions. */
  | 'REASONABLE'
  /** "A reasonably high degree of certainty" (7062(c)): needed for specific pieces of information. */
  | 'REASONABLY_HIGH';

/** How the identity of the person behind a request was verified (11 CCR 7060-7062). */
export type VerificationMethod =
  /** A link or code sent to the email address on file came back: one data point matched. */
  | 'EMAIL_ROUND_TRIP'
  /** Not verified, or the request came through a channel that cannot verify. */
  | 'NONE'
  /** The request is the company's own (e.g. a child's data found): there is no identity to verify. */
  | 'NOT_APPLICABLE'
  /** The person asked from a signed-in session of their password-protected account (7061). */
  | 'SIGNED_IN_SESSION'
  /** Three data points matched, with a declaration signed under penalty of perjury (7062(c)). */
  | 'THREE_DATA_POINTS_DECLARATION'
  /** Two data points the person gave match two the company holds (7062(b)). */
  | 'TWO_DATA_POINTS';
