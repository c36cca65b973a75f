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

export type AccessLogConnection = {
  __typename?: 'AccessLogConnection';
  edges: Array<AccessLogEdge>;
  pageInfo: PageInfo;
};

export type AccessLogEdge = {
  __typename?: 'AccessLogEdge';
  cursor: Scalars['String']['output'];
  node: AccessLogEntry;
};

/** One person whose data one request returned, whoever read it. */
export type AccessLogEntry = {
  __typename?: 'AccessLogEntry';
  accessedAt: Scalars['DateTimeISO']['output'];
  /** The token subject that read. */
  actor: Scalars['String']['output'];
  /** Data categories (fideslang keys) of the fields returned; list:<name> for a list read that has no category of its own (list:disclosures, list:recipients, list:requests). */
  categories: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The declared purpose; null for a privileged read without one. */
  purpose: Maybe<ReadPurpose>;
  /** Shared by every person returned to the same request. */
  requestId: Scalars['String']['output'];
  /** The role the token read in. */
  role: Role;
  userId: Scalars['ID']['output'];
};

/** The sealed answer to an access request. Its content is only ever given to the person, through their one-time link. */
export type AccessPackage = {
  __typename?: 'AccessPackage';
  /** Size of the archive (ZIP) the person downloads, in bytes. */
  bytes: Scalars['String']['output'];
  createdAt: Scalars['DateTimeISO']['output'];
  /** EMAIL (the link), POSTAL_MAIL (the letter with the link) or NONE (no address on record: reissue a link once there is one). */
  delivery: Scalars['String']['output'];
  downloadedAt: Maybe<Scalars['DateTimeISO']['output']>;
  id: Scalars['ID']['output'];
  /** The link works once, until then. */
  linkExpiresAt: Scalars['DateTimeISO']['output'];
  /** The package is purged then (or at the person’s erasure). */
  purgeAfter: Scalars['DateTimeISO']['output'];
  purgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** SPECIFIC_PIECES (the full package) or CATEGORIES (verification allowed no more). */
  scope: Scalars['String']['output'];
  /** SHA-256 of that archive: the person can check what they received. */
  sha256: Scalars['String']['output'];
  status: AccessPackageStatus;
};

export type AccessPackageStatus =
  | 'DOWNLOADED'
  | 'PURGED'
  | 'READY';

export type AuditChainReport = {
  __typename?: 'AuditChainReport';
  /** Position of the first event that does not verify. */
  brokenAtSeq: Maybe<Scalars['Int']['output']>;
  brokenEventId: Maybe<Scalars['ID']['output']>;
  /** Signed checkpoints, published outside the database, the chain was checked against. */
  checkpointsChecked: Scalars['Int']['output'];
  eventsChecked: Scalars['Int']['output'];
  /** The newest signed checkpoint: what was written after it rests on the hashes alone. */
  lastCheckpointSeq: Maybe<Scalars['Int']['output']>;
  reason: Maybe<Scalars['String']['output']>;
  valid: Scalars['Boolean']['output'];
};

/** One audited state change, linked to the one before by its hash. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  action: Scalars['String']['output'];
  actor: Scalars['String']['output'];
  details: Maybe<Scalars['JSONObject']['output']>;
  entityId: Maybe<Scalars['String']['output']>;
  entityType: Scalars['String']['output'];
  hash: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTimeISO']['output'];
  prevHash: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

/** An export of customer data for an acquirer. */
export type BusinessTransfer = {
  __typename?: 'BusinessTransfer';
  acquirer: Maybe<Recipient>;
  acquirerId: Scalars['ID']['output'];
  /** The files, once the transfer completed. */
  artifacts: Array<ExportArtifact>;
  /** When the export files are deleted from the gateway’s disk: the end plus the retention fixed at start. */
  artifactsExpireAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** When the sweep deleted the export files. */
  artifactsPurgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  cancelledBy: Maybe<Scalars['String']['output']>;
  chunksDone: Scalars['Int']['output'];
  chunksTotal: Maybe<Scalars['Int']['output']>;
  dealName: Scalars['String']['output'];
  encrypted: Scalars['Boolean']['output'];
  error: Maybe<Scalars['String']['output']>;
  /** Folder of the export on the workers’ file system. */
  exportPath: Scalars['String']['output'];
  finishedAt: Maybe<Scalars['DateTimeISO']['output']>;
  format: ExportFormat;
  /** Fixed at start; the manifest carries it. */
  generatedAt: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  /** manifest.json as written next to the files. */
  manifest: Maybe<Scalars['String']['output']>;
  phase: BusinessTransferPhase;
  progress: BusinessTransferProgress;
  scope: BusinessTransferScope;
  startedAt: Scalars['DateTimeISO']['output'];
  startedBy: Scalars['String']['output'];
  status: BusinessTransferStatus;
};

export type BusinessTransferConnection = {
  __typename?: 'BusinessTransferConnection';
  edges: Array<BusinessTransferEdge>;
  pageInfo: PageInfo;
};

export type BusinessTransferEdge = {
  __typename?: 'BusinessTransferEdge';
  cursor: Scalars['String']['output'];
  node: BusinessTransfer;
};

/** DUE_DILIGENCE: pseudonymized, k-anonymous; CLOSING: full records. */
export type BusinessTransferPhase =
  | 'CLOSING'
  | 'DUE_DILIGENCE';

export type BusinessTransferProgress = {
  __typename?: 'BusinessTransferProgress';
  estimatedFinish: Maybe<Scalars['DateTimeISO']['output']>;
  percent: Scalars['Float']['output'];
  /** Subjects written so far. */
  processed: Scalars['Int']['output'];
  /** Subjects per second since the start. */
  rate: Scalars['Float']['output'];
  total: Scalars['Int']['output'];
};

export type BusinessTransferScope = {
  __typename?: 'BusinessTransferScope';
  createdBefore: Maybe<Scalars['DateTimeISO']['output']>;
  regions: Maybe<Array<Scalars['String']['output']>>;
  statuses: Maybe<Array<SubjectStatus>>;
};

export type BusinessTransferScopeInput = {
  createdBefore?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** ISO 3166-2 regions, e.g. US-CA. */
  regions?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Erased subjects are never exported; ACTIVE must be listed. */
  statuses?: InputMaybe<Array<SubjectStatus>>;
};

export type BusinessTransferStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING';

/** A Shine-the-Light answer (Cal. Civ. Code 1798.83). */
export type CaliforniaNotice = {
  __typename?: 'CaliforniaNotice';
  /** Statutory categories, each once, in the statute’s order. */
  categories: Array<Scalars['String']['output']>;
  html: Scalars['String']['output'];
  noDisclosures: Scalars['Boolean']['output'];
  recipients: Array<NoticeRecipient>;
  text: Scalars['String']['output'];
  /** The calendar year covered: the one before the request was received. */
  year: Scalars['Float']['output'];
};

/** What the server logs recorded automatically about a visit. */
export type CollectionEvent = {
  __typename?: 'CollectionEvent';
  cookieId: Maybe<Scalars['String']['output']>;
  deviceId: Maybe<Scalars['String']['output']>;
  /** Do Not Track was sent. */
  dnt: Scalars['Boolean']['output'];
  geoAccuracyM: Maybe<Scalars['Int']['output']>;
  /** Global Privacy Control was sent. */
  gpc: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  ipAddress: Maybe<Scalars['String']['output']>;
  latitude: Maybe<Scalars['Float']['output']>;
  longitude: Maybe<Scalars['Float']['output']>;
  occurredAt: Scalars['DateTimeISO']['output'];
  page: Maybe<Scalars['String']['output']>;
  region: Maybe<Scalars['String']['output']>;
  subjectId: Maybe<Scalars['ID']['output']>;
  userAgent: Maybe<Scalars['String']['output']>;
};

/** The current state of one consent, derived from its history. */
export type Consent = {
  __typename?: 'Consent';
  policyVersion: Maybe<Scalars['String']['output']>;
  purpose: Purpose;
  source: ConsentSource;
  status: ConsentStatus;
  updatedAt: Scalars['DateTimeISO']['output'];
  /** Number of events behind this state. */
  version: Scalars['Int']['output'];
};

export type ConsentChange = {
  __typename?: 'ConsentChange';
  /** False when the consent already had this status (no event was written). */
  changed: Scalars['Boolean']['output'];
  consent: Consent;
};

/** One change of consent (append-only). */
export type ConsentEvent = {
  __typename?: 'ConsentEvent';
  occurredAt: Scalars['DateTimeISO']['output'];
  policyVersion: Maybe<Scalars['String']['output']>;
  purpose: Purpose;
  recordedBy: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
  source: ConsentSource;
  status: ConsentStatus;
};

export type ConsentSource =
  | 'ADMIN'
  | 'DNT_SIGNAL'
  | 'FORM'
  | 'GPC_SIGNAL'
  | 'UNSUBSCRIBE_LINK';

export type ConsentStatus =
  | 'GRANTED'
  | 'WITHDRAWN';

/** A field of a user a correction request may change (the subject fields of the personal-data catalogue). */
export type CorrectableField =
  | 'AGE_RANGE'
  | 'BIRTH_DATE'
  | 'CITY'
  | 'COUNTRY'
  | 'EMAIL'
  | 'NAME'
  | 'PHONE'
  | 'POSTAL_CODE'
  | 'REGION'
  | 'STREET_ADDRESS';

/** One field a person says is wrong, the value they say is right, and the decision on it. */
export type CorrectionChange = {
  __typename?: 'CorrectionChange';
  decidedAt: Maybe<Scalars['DateTimeISO']['output']>;
  decidedBy: Maybe<Scalars['String']['output']>;
  field: CorrectableField;
  id: Scalars['ID']['output'];
  /** The value the person says is right; null: remove it (and after their erasure). */
  proposedValue: Maybe<Scalars['String']['output']>;
  /** Why it was accepted or rejected; the person is told. */
  reason: Maybe<Scalars['String']['output']>;
  status: CorrectionStatus;
};

/** The decision on one proposed change, with its reason (the person reads it). */
export type CorrectionDecisionInput = {
  accept: Scalars['Boolean']['input'];
  field: CorrectableField;
  reason: Scalars['String']['input'];
};

export type CorrectionStatus =
  | 'ACCEPTED'
  | 'PENDING'
  | 'REJECTED';

/** A fideslang data category. */
export type DataCategory = {
  __typename?: 'DataCategory';
  key: Scalars['String']['output'];
  label: Scalars['String']['output'];
  /** The California Shine-the-Light category it maps to. */
  shineTheLightCategory: Maybe<Scalars['String']['output']>;
};

/** A request a person made about their data, with its deadlines and result. */
export type DataRequest = {
  __typename?: 'DataRequest';
  /** The package that answered an access request. */
  accessPackage: Maybe<AccessPackage>;
  /** Receipt must be confirmed by then (10 business days). */
  acknowledgeDueAt: Maybe<Scalars['DateTimeISO']['output']>;
  acknowledgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  channel: Scalars['String']['output'];
  completedAt: Maybe<Scalars['DateTimeISO']['output']>;
  /** A correction request's proposed changes and their decisions. */
  correctionChanges: Maybe<Array<CorrectionChange>>;
  /** What the person sent with a correction request. */
  correctionEvidence: Maybe<Scalars['String']['output']>;
  /** The answer is due by then (45 days; 90 with the one extension). */
  dueAt: Scalars['DateTimeISO']['output'];
  extendedAt: Maybe<Scalars['DateTimeISO']['output']>;
  extensionReason: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The compiled notice, for a completed California notice request. */
  notice: Maybe<CaliforniaNotice>;
  overdue: Scalars['Boolean']['output'];
  /** Why it was rejected or blocked, e.g. LEGAL_HOLD_ACTIVE. */
  reasonCode: Maybe<Scalars['String']['output']>;
  receivedAt: Scalars['DateTimeISO']['output'];
  /** What was done: rows erased per table, hold ids, or the notice. */
  result: Maybe<Scalars['JSONObject']['output']>;
  status: DataRequestStatus;
  type: DataRequestType;
  user: User;
  /** How the person was verified; null on requests recorded before verification was. */
  verificationMethod: Maybe<VerificationMethod>;
  /** The level the full answer needs. */
  verificationRequired: Maybe<VerificationLevel>;
};

export type DataRequestConnection = {
  __typename?: 'DataRequestConnection';
  edges: Array<DataRequestEdge>;
  pageInfo: PageInfo;
};

export type DataRequestEdge = {
  __typename?: 'DataRequestEdge';
  cursor: Scalars['String']['output'];
  node: DataRequest;
};

export type DataRequestReceipt = {
  __typename?: 'DataRequestReceipt';
  /** False when an open request for this user was returned instead of a new one. */
  created: Scalars['Boolean']['output'];
  request: DataRequest;
};

export type DataRequestStatus =
  | 'ACKNOWLEDGED'
  | 'BLOCKED_BY_HOLD'
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'PARTIALLY_COMPLETED'
  | 'RECEIVED'
  | 'REJECTED';

export type DataRequestType =
  | 'ACCESS'
  | 'CALIFORNIA_NOTICE'
  | 'CHILD_DELETION'
  | 'CORRECTION'
  | 'ERASURE';

/** One act of sharing personal information (or an aggregate) with a recipient. */
export type Disclosure = {
  __typename?: 'Disclosure';
  categories: Array<DataCategory>;
  id: Scalars['ID']['output'];
  /** False for anonymized or aggregate data. */
  identifiable: Scalars['Boolean']['output'];
  occurredAt: Scalars['DateTimeISO']['output'];
  purpose: DisclosurePurpose;
  recipient: Recipient;
  recordedBy: Scalars['String']['output'];
  transactionReference: Maybe<Scalars['String']['output']>;
  /** Null for aggregate disclosures and after erasure unlinked them. */
  user: Maybe<User>;
};

export type DisclosureConnection = {
  __typename?: 'DisclosureConnection';
  edges: Array<DisclosureEdge>;
  pageInfo: PageInfo;
};

export type DisclosureEdge = {
  __typename?: 'DisclosureEdge';
  cursor: Scalars['String']['output'];
  node: Disclosure;
};

export type DisclosurePurpose =
  | 'AGGREGATE_ANALYTICS'
  | 'BUSINESS_TRANSFER'
  | 'DIRECT_MARKETING'
  | 'LEGAL_COMPLIANCE'
  | 'SERVICE_PROVISION'
  | 'TRANSACTION';

/** One file of an export, as its manifest records it. */
export type ExportArtifact = {
  __typename?: 'ExportArtifact';
  bytes: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  rows: Scalars['Int']['output'];
  sha256: Scalars['String']['output'];
};

export type ExportFormat =
  | 'CSV'
  | 'NDJSON';

/** Progress of the snapshot of a hold’s data. */
export type HoldPreservation = {
  __typename?: 'HoldPreservation';
  recordsPreserved: Scalars['Int']['output'];
  status: PreservationStatus;
  subjectsDone: Scalars['Int']['output'];
  subjectsTotal: Scalars['Int']['output'];
  updatedAt: Scalars['DateTimeISO']['output'];
};

/** A hold placed by legal: preserves data as it was and blocks its deletion. */
export type LegalHold = {
  __typename?: 'LegalHold';
  caseReference: Scalars['String']['output'];
  /** Data categories in scope; empty means all. */
  categories: Array<Scalars['String']['output']>;
  description: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  matter: Scalars['String']['output'];
  placedAt: Scalars['DateTimeISO']['output'];
  placedBy: Scalars['String']['output'];
  preservation: Maybe<HoldPreservation>;
  preservedRecords: PreservedRecordConnection;
  releaseReason: Maybe<Scalars['String']['output']>;
  releasedAt: Maybe<Scalars['DateTimeISO']['output']>;
  releasedBy: Maybe<Scalars['String']['output']>;
  scopeFrom: Maybe<Scalars['DateTimeISO']['output']>;
  scopeUntil: Maybe<Scalars['DateTimeISO']['output']>;
  status: LegalHoldStatus;
  subjects: Array<User>;
};


/** A hold placed by legal: preserves data as it was and blocks its deletion. */
export type LegalHoldPreservedRecordsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type LegalHoldConnection = {
  __typename?: 'LegalHoldConnection';
  edges: Array<LegalHoldEdge>;
  pageInfo: PageInfo;
};

export type LegalHoldEdge = {
  __typename?: 'LegalHoldEdge';
  cursor: Scalars['String']['output'];
  node: LegalHold;
};

export type LegalHoldRelease = {
  __typename?: 'LegalHoldRelease';
  /** Subjects no other active hold covers any more. */
  freedSubjectIds: Array<Scalars['ID']['output']>;
  hold: LegalHold;
};

export type LegalHoldScopeChange = {
  __typename?: 'LegalHoldScopeChange';
  /** Subjects added to the hold by this call. */
  addedSubjectIds: Array<Scalars['ID']['output']>;
  /** Subjects that were already erased: nothing left to preserve. */
  alreadyErasedSubjectIds: Array<Scalars['ID']['output']>;
  hold: LegalHold;
  /** True when a job snapshots the data (large scopes); see LegalHold.preservation. */
  snapshotQueued: Scalars['Boolean']['output'];
};

export type LegalHoldStatus =
  | 'ACTIVE'
  | 'RELEASED';

export type Mutation = {
  __typename?: 'Mutation';
  /** Records that a user acknowledged a policy version; the first acknowledgement stands. */
  acknowledgePolicy: PolicyNotice;
  addSubjectsToLegalHold: LegalHoldScopeChange;
  /** Stops a running transfer; its files are removed. */
  cancelBusinessTransfer: BusinessTransfer;
  /** Accepts or rejects proposed changes, each with its reason. Once none is pending the accepted ones are applied, recipients told and the person answered. */
  decideCorrection: DataRequest;
  /** The one extension of 45 days a deletion request may have, with its reason. */
  extendRequestDeadline: DataRequest;
  /** The company learned it holds a child’s data: delete it at once, ahead of every other job. */
  flagChild: DataRequestReceipt;
  /** Places a hold and preserves the data in scope as it is now. */
  placeLegalHold: LegalHoldScopeChange;
  /** Publishes a version and fans out notices by job: email to active users who receive legal notices, a posted notice for the rest. Publishing the same version and content again resumes the fan-out. */
  publishPolicyVersion: PolicyVersion;
  recordCollectionEvent: CollectionEvent;
  /** Appends a consent event; the current state follows from it. */
  recordConsent: ConsentChange;
  /** Records a disclosure after checking it against the policy. */
  recordDisclosure: Disclosure;
  registerRecipient: Recipient;
  /** Contact Us intake. A child under 13 is refused and nothing is stored. */
  registerUser: User;
  /** A new one-time link for an answered access request (the old one stops working), sent as the first was. */
  reissueAccessLink: AccessPackage;
  /** Releases a hold for good; it can never be reactivated. */
  releaseLegalHold: LegalHoldRelease;
  /** A person asks what we hold about them and who got it. Deadlines as a deletion; the package answers as far as `verification` allows (specific pieces need SIGNED_IN_SESSION or THREE_DATA_POINTS_DECLARATION). */
  requestAccess: DataRequestReceipt;
  /** A California customer asks what went to third parties for their direct marketing last year. */
  requestCaliforniaNotice: DataRequestReceipt;
  /** Annual volume: many requests at once, compiled in chunks by the california-notice workers. */
  requestCaliforniaNotices: Array<DataRequest>;
  /** A person says some of their information is wrong: records each proposed change (checked now), for PRIVACY_OPS to decide. Deadlines as a deletion; needs a REASONABLE verification, or it is rejected at once. */
  requestCorrection: DataRequest;
  /** Opens a deletion request; a second one while one is open returns the open one. */
  requestErasure: DataRequestReceipt;
  /** Shares a usage report with a partner, recorded as a non-identifiable disclosure with the report’s SHA-256. */
  shareUsageReport: SharedUsageReport;
  /** Starts an export for an acquirer; chunk jobs write it. */
  startBusinessTransfer: BusinessTransfer;
  /** Withdraws the consent a signed unsubscribe link names (source UNSUBSCRIBE_LINK). The token is the credential: no bearer token is needed. Idempotent. */
  unsubscribe: UnsubscribeResult;
  updateRecipient: Recipient;
  updateUser: User;
};


export type MutationAcknowledgePolicyArgs = {
  userId: Scalars['ID']['input'];
  version: Scalars['String']['input'];
};


export type MutationAddSubjectsToLegalHoldArgs = {
  holdId: Scalars['ID']['input'];
  subjectIds: Array<Scalars['ID']['input']>;
};


export type MutationCancelBusinessTransferArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDecideCorrectionArgs = {
  decisions: Array<CorrectionDecisionInput>;
  requestId: Scalars['ID']['input'];
};


export type MutationExtendRequestDeadlineArgs = {
  reason: Scalars['String']['input'];
  requestId: Scalars['ID']['input'];
};


export type MutationFlagChildArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationPlaceLegalHoldArgs = {
  input: PlaceLegalHoldInput;
};


export type MutationPublishPolicyVersionArgs = {
  input: PublishPolicyVersionInput;
};


export type MutationRecordCollectionEventArgs = {
  input: RecordCollectionEventInput;
};


export type MutationRecordConsentArgs = {
  input: RecordConsentInput;
};


export type MutationRecordDisclosureArgs = {
  input: RecordDisclosureInput;
};


export type MutationRegisterRecipientArgs = {
  input: RegisterRecipientInput;
};


export type MutationRegisterUserArgs = {
  input: RegisterUserInput;
};


export type MutationReissueAccessLinkArgs = {
  requestId: Scalars['ID']['input'];
};


export type MutationReleaseLegalHoldArgs = {
  holdId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationRequestAccessArgs = {
  channel: Scalars['String']['input'];
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
  verification: VerificationMethod;
};


export type MutationRequestCaliforniaNoticeArgs = {
  channel: NoticeChannel;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
};


export type MutationRequestCaliforniaNoticesArgs = {
  channel: NoticeChannel;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userIds: Array<Scalars['ID']['input']>;
};


export type MutationRequestCorrectionArgs = {
  changes: UpdateUserInput;
  channel: Scalars['String']['input'];
  evidence?: InputMaybe<Scalars['String']['input']>;
  receivedAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  userId: Scalars['ID']['input'];
  verification: VerificationMethod;
};


export type MutationRequestErasureArgs = {
  channel: Scalars['String']['input'];
  userId: Scalars['ID']['input'];
  verification?: InputMaybe<VerificationMethod>;
};


export type MutationShareUsageReportArgs = {
  input: UsageReportInput;
  partnerId: Scalars['ID']['input'];
};


export type MutationStartBusinessTransferArgs = {
  input: StartBusinessTransferInput;
};


export type MutationUnsubscribeArgs = {
  token: Scalars['String']['input'];
};


export type MutationUpdateRecipientArgs = {
  id: Scalars['ID']['input'];
  input: UpdateRecipientInput;
};


export type MutationUpdateUserArgs = {
  id: Scalars['ID']['input'];
  input: UpdateUserInput;
};

/** DESIGNATED: the address or channel the company designated (30 days); OTHER: anywhere else (150 days). */
export type NoticeChannel =
  | 'DESIGNATED'
  | 'OTHER';

export type NoticeRecipient = {
  __typename?: 'NoticeRecipient';
  /** Products or services it markets, where the name does not tell. */
  businessDescription: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  postalAddress: Maybe<Scalars['String']['output']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PlaceLegalHoldInput = {
  caseReference: Scalars['String']['input'];
  /** fideslang keys; omit for all categories. */
  categories?: InputMaybe<Array<Scalars['String']['input']>>;
  description?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['DateTimeISO']['input']>;
  matter: Scalars['String']['input'];
  subjectIds: Array<Scalars['ID']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

/** The notice of one policy version to one user. */
export type PolicyNotice = {
  __typename?: 'PolicyNotice';
  acknowledgedAt: Maybe<Scalars['DateTimeISO']['output']>;
  channel: PolicyNoticeChannel;
  notifiedAt: Scalars['DateTimeISO']['output'];
  version: Scalars['String']['output'];
};

/** EMAIL: sent through the outbox; POSTED: the posted policy stands as notice. */
export type PolicyNoticeChannel =
  | 'EMAIL'
  | 'POSTED';

/** Notices on record for a version, as the fan-out job progresses. */
export type PolicyNoticeCounts = {
  __typename?: 'PolicyNoticeCounts';
  acknowledged: Scalars['Int']['output'];
  emailed: Scalars['Int']['output'];
  posted: Scalars['Int']['output'];
};

/** A published version of the privacy policy. */
export type PolicyVersion = {
  __typename?: 'PolicyVersion';
  effectiveAt: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  notices: PolicyNoticeCounts;
  publishedAt: Scalars['DateTimeISO']['output'];
  publishedBy: Scalars['String']['output'];
  summary: Scalars['String']['output'];
  url: Scalars['String']['output'];
  version: Scalars['String']['output'];
};

export type PreservationReport = {
  __typename?: 'PreservationReport';
  holdId: Scalars['ID']['output'];
  /** Records whose content, hash or keyed MAC does not verify. */
  mismatchedRecordIds: Array<Scalars['ID']['output']>;
  recordsChecked: Scalars['Int']['output'];
  /** How many records the hold’s seal says are preserved (purged ones taken off). */
  recordsSealed: Scalars['Int']['output'];
  /** The seal verifies under the key, which is not in the database. */
  sealValid: Scalars['Boolean']['output'];
  /** The records found are exactly the sealed set: none deleted, none inserted. */
  setMatchesSeal: Scalars['Boolean']['output'];
  valid: Scalars['Boolean']['output'];
};

export type PreservationStatus =
  | 'COMPLETED'
  | 'PENDING';

/** A copy of one record as it was when the hold was placed. */
export type PreservedRecord = {
  __typename?: 'PreservedRecord';
  /** Canonical JSON of the record. */
  content: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  preservedAt: Scalars['DateTimeISO']['output'];
  /** When it will be purged, once no active hold covers its subject. */
  purgeAfter: Maybe<Scalars['DateTimeISO']['output']>;
  recordId: Scalars['ID']['output'];
  recordType: PreservedRecordType;
  /** SHA-256 of content, taken when preserved. */
  sha256: Scalars['String']['output'];
  subjectId: Scalars['ID']['output'];
};

export type PreservedRecordConnection = {
  __typename?: 'PreservedRecordConnection';
  edges: Array<PreservedRecordEdge>;
  pageInfo: PageInfo;
};

export type PreservedRecordEdge = {
  __typename?: 'PreservedRecordEdge';
  cursor: Scalars['String']['output'];
  node: PreservedRecord;
};

export type PreservedRecordType =
  | 'COLLECTION_EVENT'
  | 'CONSENT'
  | 'CONSENT_EVENT'
  | 'DISCLOSURE'
  | 'SUBJECT';

export type PublishPolicyVersionInput = {
  /** When the new version governs. */
  effectiveAt: Scalars['DateTimeISO']['input'];
  /** What changed, in plain words; sent in the notice email. */
  summary: Scalars['String']['input'];
  /** Where the full policy is posted. */
  url: Scalars['String']['input'];
  version: Scalars['String']['input'];
};

/** What a subject may consent to. */
export type Purpose =
  | 'ANALYTICS_COOKIES'
  | 'EMAIL_OPEN_TRACKING'
  | 'LEGAL_NOTICE_EMAIL'
  | 'PRODUCT_EMAIL'
  | 'THIRD_PARTY_MARKETING_SHARING'
  | 'THIRD_PARTY_OFFERS';

export type Query = {
  __typename?: 'Query';
  /** Who read whose data, in which role, for which purpose; newest first. */
  accessLog: AccessLogConnection;
  /** The audit log in chain order. */
  auditEvents: AuditEventConnection;
  businessTransfer: Maybe<BusinessTransfer>;
  businessTransfers: BusinessTransferConnection;
  dataCategories: Array<DataCategory>;
  dataRequest: Maybe<DataRequest>;
  dataRequests: DataRequestConnection;
  legalHold: Maybe<LegalHold>;
  legalHolds: LegalHoldConnection;
  /** Every published version, newest first. The policy is public; any role may read it. */
  policyVersions: Array<PolicyVersion>;
  recipient: Maybe<Recipient>;
  recipients: RecipientConnection;
  usageReport: UsageReport;
  user: Maybe<User>;
  /** Users in id order, as a Relay connection. */
  users: UserConnection;
  /** Re-hashes the audit chain and reports the first broken link. */
  verifyAuditChain: AuditChainReport;
  /** Checks each preserved record of a hold against its hash and keyed MAC, and the set against the hold’s seal. */
  verifyPreservation: PreservationReport;
};


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


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryBusinessTransferArgs = {
  id: Scalars['ID']['input'];
};


export type QueryBusinessTransfersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<BusinessTransferStatus>;
};


export type QueryDataRequestArgs = {
  id: Scalars['ID']['input'];
};


export type QueryDataRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  overdue?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<DataRequestStatus>;
  type?: InputMaybe<DataRequestType>;
};


export type QueryLegalHoldArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLegalHoldsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<LegalHoldStatus>;
};


export type QueryRecipientArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRecipientsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<RecipientKind>;
};


export type QueryUsageReportArgs = {
  input: UsageReportInput;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<UserFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryVerifyPreservationArgs = {
  holdId: Scalars['ID']['input'];
};

/** Why an internal app reads personal data (X-Purpose header); see src/domain/read-purpose.rules.ts. */
export type ReadPurpose =
  | 'ANALYTICS'
  | 'PRODUCT_EMAIL'
  | 'SECURITY'
  | 'SERVICE'
  | 'SUPPORT'
  | 'THIRD_PARTY_OFFERS';

/** Someone outside the company that receives personal information or aggregates. */
export type Recipient = {
  __typename?: 'Recipient';
  allowedPurposes: Array<DisclosurePurpose>;
  /** Examples of what it markets, where the name does not tell. */
  businessDescription: Maybe<Scalars['String']['output']>;
  contractReference: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTimeISO']['output'];
  disclosures: DisclosureConnection;
  email: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: RecipientKind;
  name: Scalars['String']['output'];
  postalAddress: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** Someone outside the company that receives personal information or aggregates. */
export type RecipientDisclosuresArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<DisclosurePurpose>;
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

export type RecipientConnection = {
  __typename?: 'RecipientConnection';
  edges: Array<RecipientEdge>;
  pageInfo: PageInfo;
};

export type RecipientEdge = {
  __typename?: 'RecipientEdge';
  cursor: Scalars['String']['output'];
  node: Recipient;
};

export type RecipientKind =
  | 'ACQUIRER'
  | 'AFFILIATE'
  | 'AGENT'
  | 'AUTHORITY'
  | 'PARTNER'
  | 'THIRD_PARTY';

export type RecordCollectionEventInput = {
  cookieId?: InputMaybe<Scalars['String']['input']>;
  deviceId?: InputMaybe<Scalars['String']['input']>;
  dnt?: InputMaybe<Scalars['Boolean']['input']>;
  /** Accuracy radius in metres. */
  geoAccuracyM?: InputMaybe<Scalars['Int']['input']>;
  gpc?: InputMaybe<Scalars['Boolean']['input']>;
  ipAddress?: InputMaybe<Scalars['String']['input']>;
  latitude?: InputMaybe<Scalars['Float']['input']>;
  longitude?: InputMaybe<Scalars['Float']['input']>;
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  page?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
  userAgent?: InputMaybe<Scalars['String']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};

export type RecordConsentInput = {
  /** When the subject made the choice; defaults to now. */
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  policyVersion?: InputMaybe<Scalars['String']['input']>;
  purpose: Purpose;
  source?: ConsentSource;
  status: ConsentStatus;
  userId: Scalars['ID']['input'];
};

export type RecordDisclosureInput = {
  /** fideslang category keys, e.g. user.contact.email */
  categories: Array<Scalars['String']['input']>;
  /** Defaults to true when a user is named. */
  identifiable?: InputMaybe<Scalars['Boolean']['input']>;
  occurredAt?: InputMaybe<Scalars['DateTimeISO']['input']>;
  purpose: DisclosurePurpose;
  recipientId: Scalars['ID']['input'];
  /** Required for affiliates (a related transaction). */
  transactionReference?: InputMaybe<Scalars['String']['input']>;
  /** The subject; omit for aggregate data. */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

export type RegisterRecipientInput = {
  allowedPurposes: Array<DisclosurePurpose>;
  businessDescription?: InputMaybe<Scalars['String']['input']>;
  contractReference?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  kind: RecipientKind;
  name: Scalars['String']['input'];
  postalAddress?: InputMaybe<Scalars['String']['input']>;
};

/** Contact Us intake. */
export type RegisterUserInput = {
  /** e.g. 25-34 or 65+ */
  ageRange?: InputMaybe<Scalars['String']['input']>;
  /** YYYY-MM-DD */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  city?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-1 alpha-2 */
  country?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** E.164, e.g. +14155550123 */
  phone?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-2, e.g. US-CA */
  region?: InputMaybe<Scalars['String']['input']>;
  source?: SubjectSource;
  streetAddress?: InputMaybe<Scalars['String']['input']>;
};

export type Role =
  | 'ADMIN'
  | 'APP'
  | 'LEGAL'
  | 'MNA'
  | 'PRIVACY_OPS';

export type SharedUsageReport = {
  __typename?: 'SharedUsageReport';
  disclosure: Disclosure;
  report: UsageReport;
};

export type StartBusinessTransferInput = {
  /** A recipient of kind ACQUIRER allowed BUSINESS_TRANSFER. */
  acquirerId: Scalars['ID']['input'];
  dealName: Scalars['String']['input'];
  /** The acquirer’s RSA public key (PEM): files are encrypted with a data key wrapped for it. */
  encryptFor?: InputMaybe<Scalars['String']['input']>;
  format?: InputMaybe<ExportFormat>;
  phase: BusinessTransferPhase;
  scope: BusinessTransferScopeInput;
};

export type SubjectSource =
  | 'ADMIN'
  | 'CONTACT_FORM'
  | 'IMPORT'
  | 'WEBSITE';

export type SubjectStatus =
  | 'ACTIVE'
  | 'ERASED'
  | 'RESTRICTED';

export type UnsubscribeResult = {
  __typename?: 'UnsubscribeResult';
  /** False when it was already withdrawn (a second click): nothing was written. */
  changed: Scalars['Boolean']['output'];
  /** The consent the link withdrew. */
  purpose: Purpose;
};

export type UpdateRecipientInput = {
  allowedPurposes?: InputMaybe<Array<DisclosurePurpose>>;
  businessDescription?: InputMaybe<Scalars['String']['input']>;
  contractReference?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  postalAddress?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateUserInput = {
  /** e.g. 25-34 or 65+ */
  ageRange?: InputMaybe<Scalars['String']['input']>;
  /** YYYY-MM-DD */
  birthDate?: InputMaybe<Scalars['String']['input']>;
  city?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-1 alpha-2 */
  country?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** E.164, e.g. +14155550123 */
  phone?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** ISO 3166-2, e.g. US-CA */
  region?: InputMaybe<Scalars['String']['input']>;
  streetAddress?: InputMaybe<Scalars['String']['input']>;
};

export type UsageCell = {
  __typename?: 'UsageCell';
  /** Null when suppressed. */
  count: Maybe<Scalars['Int']['output']>;
  key: Array<Scalars['String']['output']>;
};

export type UsageDimension =
  | 'BROWSER'
  | 'DEVICE_TYPE'
  | 'MONTH'
  | 'PAGE'
  | 'REGION';

/** Counts that cannot identify anyone: cells under k are suppressed, and so are cells that totals would reveal. */
export type UsageReport = {
  __typename?: 'UsageReport';
  cells: Array<UsageCell>;
  dimensions: Array<UsageDimension>;
  from: Scalars['DateTimeISO']['output'];
  grandTotal: Maybe<Scalars['Int']['output']>;
  k: Scalars['Int']['output'];
  sha256: Scalars['String']['output'];
  suppressedCells: Scalars['Int']['output'];
  totals: Array<UsageTotal>;
  until: Scalars['DateTimeISO']['output'];
};

export type UsageReportInput = {
  dimensions: Array<UsageDimension>;
  from: Scalars['DateTimeISO']['input'];
  /** Minimum cell size (default from configuration, never below 2). */
  k?: InputMaybe<Scalars['Int']['input']>;
  until: Scalars['DateTimeISO']['input'];
};

export type UsageTotal = {
  __typename?: 'UsageTotal';
  count: Maybe<Scalars['Int']['output']>;
  /** Null where the total runs over that dimension. */
  key: Array<Maybe<Scalars['String']['output']>>;
};

/** A person whose data the company holds (a data subject). Erased users keep only a tombstone. */
export type User = {
  __typename?: 'User';
  /** Who read this user’s data, newest first (roles LEGAL, PRIVACY_OPS, ADMIN). */
  accessLog: Maybe<AccessLogConnection>;
  ageRange: Maybe<Scalars['String']['output']>;
  /** YYYY-MM-DD */
  birthDate: Maybe<Scalars['String']['output']>;
  californiaNotices: Array<DataRequest>;
  city: Maybe<Scalars['String']['output']>;
  /** Every consent change, oldest first. */
  consentHistory: Array<ConsentEvent>;
  consents: Array<Consent>;
  /** ISO 3166-1 alpha-2 */
  country: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTimeISO']['output'];
  /** Newest first. */
  disclosures: DisclosureConnection;
  email: Maybe<Scalars['String']['output']>;
  erasedAt: Maybe<Scalars['DateTimeISO']['output']>;
  id: Scalars['ID']['output'];
  /** Every hold (active or released) that covers this user. */
  legalHolds: Array<LegalHold>;
  name: Maybe<Scalars['String']['output']>;
  /** E.164 */
  phone: Maybe<Scalars['String']['output']>;
  /** Notices of policy versions, oldest version first. */
  policyNotices: Array<PolicyNotice>;
  postalCode: Maybe<Scalars['String']['output']>;
  /** Every recipient that received anything about this user. */
  recipients: Array<Recipient>;
  /** ISO 3166-2 subdivision, e.g. US-CA */
  region: Maybe<Scalars['String']['output']>;
  /** Every request this user made, oldest first. */
  requests: Array<DataRequest>;
  source: SubjectSource;
  status: SubjectStatus;
  streetAddress: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** A person whose data the company holds (a data subject). Erased users keep only a tombstone. */
export type UserAccessLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A person whose data the company holds (a data subject). Erased users keep only a tombstone. */
export type UserDisclosuresArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  purpose?: InputMaybe<DisclosurePurpose>;
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  until?: InputMaybe<Scalars['DateTimeISO']['input']>;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

export type UserFilter = {
  createdFrom?: InputMaybe<Scalars['DateTimeISO']['input']>;
  createdUntil?: InputMaybe<Scalars['DateTimeISO']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  /** Only users who currently grant this purpose. */
  purposeGranted?: InputMaybe<Purpose>;
  region?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<SubjectStatus>;
};

/** The degree of certainty a verification reaches, or a request needs. */
export type VerificationLevel =
  | 'NONE'
  | 'REASONABLE'
  | 'REASONABLY_HIGH';

/** How the person behind a request was verified (11 CCR 7060-7062); see src/domain/verification.rules.ts. */
export type VerificationMethod =
  | 'EMAIL_ROUND_TRIP'
  | 'NONE'
  | 'NOT_APPLICABLE'
  | 'SIGNED_IN_SESSION'
  | 'THREE_DATA_POINTS_DECLARATION'
  | 'TWO_DATA_POINTS';
