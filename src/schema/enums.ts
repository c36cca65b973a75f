import { registerEnumType } from 'type-graphql';
import {
  ConsentSource, ConsentStatus, DataRequestStatus, DataRequestType, DisclosurePurpose, LegalHoldStatus, PurposeKey,
  RecipientKind, Role, SubjectSource, SubjectStatus, VerificationLevel, VerificationMethod,
} from '../entities/enums';
import { AccessPackageStatus } from '../entities/access-package.entity';
import { ReadPurpose } from '../domain/read-purpose.rules';

// Registered once, before any type refers to them.
registerEnumType(Role, { name: 'Role' });
registerEnumType(SubjectStatus, { name: 'SubjectStatus' });
registerEnumType(SubjectSource, { name: 'SubjectSource' });
registerEnumType(PurposeKey, { name: 'Purpose', description: 'What a subject may consent to.' });
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });
registerEnumType(ConsentSource, { name: 'ConsentSource' });
registerEnumType(RecipientKind, { name: 'RecipientKind' });
registerEnumType(DisclosurePurpose, { name: 'DisclosurePurpose' });
registerEnumType(DataRequestType, { name: 'DataRequestType' });
registerEnumType(DataRequestStatus, { name: 'DataRequestStatus' });
registerEnumType(LegalHoldStatus, { name: 'LegalHoldStatus' });
registerEnumType(ReadPurpose, { name: 'ReadPurpose', description: 'Why an internal app reads personal data (X-Purpose header); see src/domain/read-purpose.rules.ts.' });
registerEnumType(VerificationMethod, { name: 'VerificationMethod', description: 'How the person behind a request was verified (11 CCR 7060-7062); see src/domain/verification.rules.ts.' });
registerEnumType(VerificationLevel, { name: 'VerificationLevel', description: 'The degree of certainty a verification reaches, or a request needs.' });
registerEnumType(AccessPackageStatus, { name: 'AccessPackageStatus' });
