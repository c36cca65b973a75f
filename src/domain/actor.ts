import { Role } from '../entities/enums';
import type { ReadPurpose } from './read-purpose.rules';

/** Who is acting: the token subject (written to the audit log) and the roles it holds. */
export interface Actor {
  id: string;
  roles: Role[];
  /** The token's `purposes` claim: the read purposes it may declare (absent: any). */
  purposes?: ReadPurpose[];
}

/** The actor for work the system does on its own (seeding, scheduled jobs). */
export const systemActor: Actor = { id: 'system', roles: [Role.ADMIN] };
