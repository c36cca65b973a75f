import { Role } from '../entities/enums';

/** Who is acting: the token subject (written to the audit log) and the roles it holds. */
export interface Actor {
  id: string;
  roles: Role[];
}

/** The actor for work the system does on its own (seeding, scheduled jobs). */
export const systemActor: Actor = { id: 'system', roles: [Role.ADMIN] };
