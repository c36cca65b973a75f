import { InitialSchema1764370000000 } from './1764370000000-initial-schema';
import { Outbox1764370200000 } from './1764370200000-outbox';
import { Communications1764370400000 } from './1764370400000-communications';
import { AccessLog1764370500000 } from './1764370500000-access-log';
import { EmailOpenOnce1765000000000 } from './1765000000000-email-open-once';
import { JobIntents1766000000000 } from './1766000000000-job-intents';
import { DisclosureNoticeIndex1766000300000 } from './1766000300000-disclosure-notice-index';
import { DisclosureCategorySubject1766000400000 } from './1766000400000-disclosure-category-subject';
import { AccessLogEveryReader1766000500000 } from './1766000500000-access-log-every-reader';
import { OutboxNoAddressLink1766000600000 } from './1766000600000-outbox-no-address-link';
import { StatuteCategoryWording1766000700000 } from './1766000700000-statute-category-wording';
import { PostalLetters1766000800000 } from './1766000800000-postal-letters';
import { RestrictedSubjects1766001000000 } from './1766001000000-restricted-subjects';
import { PartialErasure1766001300000 } from './1766001300000-partial-erasure';
import { CaliforniaNoticeAnswers1766001400000 } from './1766001400000-california-notice-answers';
import { AccessRequests1766001500000 } from './1766001500000-access-requests';
import { CorrectionRequests1766001600000 } from './1766001600000-correction-requests';
import { AuditEventsByEntity1766001800000 } from './1766001800000-audit-events-by-entity';
import { RecordCategories1766002100000 } from './1766002100000-record-categories';

/** Core migrations in order; plugins add their own through the registry. */
export const coreMigrations: Function[] = [InitialSchema1764370000000, Outbox1764370200000, Communications1764370400000, AccessLog1764370500000, EmailOpenOnce1765000000000, JobIntents1766000000000, DisclosureNoticeIndex1766000300000, DisclosureCategorySubject1766000400000, AccessLogEveryReader1766000500000, OutboxNoAddressLink1766000600000, StatuteCategoryWording1766000700000, PostalLetters1766000800000, RestrictedSubjects1766001000000, PartialErasure1766001300000, CaliforniaNoticeAnswers1766001400000, AccessRequests1766001500000, CorrectionRequests1766001600000, AuditEventsByEntity1766001800000, RecordCategories1766002100000];
