import { registerEnumType } from 'type-graphql';
import {
  ConsentSource, ConsentStatus, DataRequestStatus, DataRequestType, DisclosurePurpose, LegalHoldStatus, PurposeKey,
  RecipientKind, Role, SubjectSource, SubjectStatus,
} from '../entities/enums';
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
