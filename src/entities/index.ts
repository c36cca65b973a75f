import { AccessLogEntry } from './access-log-entry.entity';
import { AccessPackage, AccessPackageStatus } from './access-package.entity';
import { AuditChainHead } from './audit-chain-head.entity';
import { AuditEvent } from './audit-event.entity';
import { CaliforniaNoticeAnswer } from './california-notice-answer.entity';
import { CollectionEvent } from './collection-event.entity';
import { CorrectionChange, CorrectionRequest } from './correction.entity';
import { Consent } from './consent.entity';
import { ConsentEvent } from './consent-event.entity';
import { DataCategory } from './data-category.entity';
import { DataRequest } from './data-request.entity';
import { Disclosure } from './disclosure.entity';
import { DisclosureCategory } from './disclosure-category.entity';
import { EmailOpen } from './email-open.entity';
import { LegalHold } from './legal-hold.entity';
import { OutboxMessage, OutboxStatus } from './outbox-message.entity';
import { LegalHoldSubject } from './legal-hold-subject.entity';
import { PolicyNotice, PolicyNoticeChannel } from './policy-notice.entity';
import { PolicyVersion } from './policy-version.entity';
import { Purpose } from './purpose.entity';
import { Recipient } from './recipient.entity';
import { Subject } from './subject.entity';

export {
  AccessLogEntry, AccessPackage, AccessPackageStatus, AuditChainHead, AuditEvent, CaliforniaNoticeAnswer, CollectionEvent, Consent, CorrectionChange, CorrectionRequest, ConsentEvent, DataCategory, DataRequest, Disclosure,
  DisclosureCategory, EmailOpen, LegalHold, LegalHoldSubject, OutboxMessage, OutboxStatus, PolicyNotice, PolicyNoticeChannel, PolicyVersion, Purpose, Recipient, Subject,
};
export * from './enums';

export const coreEntities = [
  Subject, DataCategory, Purpose, Consent, ConsentEvent, CollectionEvent, Recipient, Disclosure,
  DisclosureCategory, DataRequest, LegalHold, LegalHoldSubject, PolicyVersion, AuditEvent, AuditChainHead, OutboxMessage,
  EmailOpen, PolicyNotice, AccessLogEntry, CaliforniaNoticeAnswer, AccessPackage, CorrectionRequest, CorrectionChange,
];
