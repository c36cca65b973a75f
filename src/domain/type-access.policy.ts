import { ReadPurpose, Role } from '../entities/enums';

/**
 * Who may see each object type of the GraphQL schema, wherever it is reached: a root field, a
 * nested edge, a mutation's answer. The schema applies it once, to every field that returns an
 * object (src/schema/authorize-graph.ts), so a new edge is guarded by the type it returns.
 *
 * - `roles`: the roles that see the type without declaring a purpose.
 * - `purposes`: the purposes under which an APP request sees it. A privileged role that declares
 *   a purpose is held to the same list (it gets exactly what an APP would); a purpose never
 *   widens what a role sees without one.
 * - `public`: also shown to a caller with no token (an operation that carries its own credential).
 * - `structural`: pagination wrappers, shown wherever the type they wrap is (the field returning
 *   the connection is checked against its node type).
 *
 * Which fields of a `User` a purpose sees, and which of its lists, is the read-purpose table
 * (read-purpose.rules.ts), applied on top. A type this table does not name is shown to ADMIN only
 * (isolated test: test/unit/type-access-policy.spec.ts).
 */
export interface TypeAccess {
  roles: readonly Role[];
  purposes: readonly ReadPurpose[];
  public?: boolean;
  why: string;
}

export type TypeAccessTable = Readonly<Record<string, TypeAccess | 'structural'>>;

const ALL_PURPOSES = Object.values(ReadPurpose);
const ALL_ROLES = Object.values(Role);
/** The roles that act on people's rights and see the record as it is. */
const RIGHTS = [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN] as const;
/** Purposes under which a person's own lists (what was shared, with whom) are read. */
const HISTORY_PURPOSES = [ReadPurpose.SERVICE, ReadPurpose.SUPPORT, ReadPurpose.SECURITY] as const;

export const CORE_TYPE_ACCESS: TypeAccessTable = {
  User: { roles: RIGHTS, purposes: ALL_PURPOSES, why: 'a person: its fields and lists are further masked per purpose by the read-purpose table' },
  Consent: { roles: RIGHTS, purposes: ALL_PURPOSES, why: 'a person\'s current choices; every purpose that sees consents (the read-purpose table) needs them' },
  ConsentEvent: { roles: RIGHTS, purposes: ALL_PURPOSES, why: 'a person\'s history of choices; the read-purpose table says which purposes see the list' },
  ConsentChange: { roles: RIGHTS, purposes: ALL_PURPOSES, why: 'the answer to recordConsent: the consent and its new event' },
  CollectionEvent: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [ReadPurpose.SERVICE, ReadPurpose.SECURITY], why: 'a visit: IP address, device and location; the answer to recordCollectionEvent' },
  Disclosure: { roles: RIGHTS, purposes: HISTORY_PURPOSES, why: 'what was shared about a person, with whom; hidden from marketing and analytics (LEGAL.md)' },
  Recipient: { roles: ALL_ROLES, purposes: ALL_PURPOSES, why: 'a business the company shares with: no personal data of its own (its disclosure list is guarded by Disclosure)' },
  DataCategory: { roles: ALL_ROLES, purposes: ALL_PURPOSES, why: 'the vocabulary of categories; LEGAL chooses from it when placing a hold' },
  PolicyVersion: { roles: ALL_ROLES, purposes: ALL_PURPOSES, public: true, why: 'the published privacy policy' },
  PolicyNotice: { roles: RIGHTS, purposes: [ReadPurpose.SERVICE, ReadPurpose.SUPPORT], why: 'that a person was told of a policy version, and when they acknowledged it' },
  PolicyNoticeCounts: { roles: ALL_ROLES, purposes: ALL_PURPOSES, why: 'counts of the notices a policy version sent and how many were acknowledged: no person in them' },
  DataRequest: { roles: RIGHTS, purposes: [], why: 'a rights request and its outcome (holds that block it, notices): for the roles that handle rights' },
  RequestMessage: { roles: RIGHTS, purposes: [], why: 'a letter or notice a request sent (it greets the person by name): for the roles that handle rights' },
  DataRequestReceipt: { roles: RIGHTS, purposes: [], why: 'the answer to opening a rights request' },
  CaliforniaNotice: { roles: RIGHTS, purposes: [], why: 'a Shine-the-Light answer: its letter greets the person by name' },
  NoticeRecipient: { roles: RIGHTS, purposes: [], why: 'a recipient as named in a Shine-the-Light answer' },
  CorrectionChange: { roles: RIGHTS, purposes: [], why: 'a field a person asked to correct, the value they proposed and the decision' },
  AccessPackage: { roles: RIGHTS, purposes: [], why: 'the sealed answer to an access request: its size, hash and link dates; never its content' },
  AccessLogEntry: { roles: RIGHTS, purposes: [], why: 'who read about whom: for the roles that answer for it' },
  AuditEvent: { roles: RIGHTS, purposes: [], why: 'the record of every change' },
  AuditChainReport: { roles: RIGHTS, purposes: [], why: 'the audit chain\'s integrity' },
  UnsubscribeResult: { roles: ALL_ROLES, purposes: ALL_PURPOSES, public: true, why: 'the answer to an unsubscribe link: says which consent was withdrawn, nothing else' },
  PageInfo: 'structural',
};

/** What a request is: its roles and the purpose it declared (null: none). */
export interface Viewer {
  roles: readonly Role[];
  purpose: ReadPurpose | null;
}

/**
 * Whether a viewer may see a type. No roles: a caller without a token (public types only). A
 * purpose narrows: the type must be listed for it, and the role must see the type without one
 * (APP sees a type under the purposes it lists, and nothing without a purpose).
 */
export function maySee(access: TypeAccess | 'structural' | undefined, viewer: Viewer): boolean {
  if (access === 'structural') return true;
  if (access === undefined) return viewer.roles.includes(Role.ADMIN) && viewer.purpose === null;
  if (viewer.roles.length === 0) return access.public === true;
  // Without a purpose only a role that is not purpose-bound sees anything.
  if (viewer.purpose === null) return viewer.roles.some((r) => r !== Role.APP && access.roles.includes(r));
  // With one: a type the purpose lists, that APP (or the role itself, without a purpose) sees.
  return access.purposes.includes(viewer.purpose) && viewer.roles.some((r) => r === Role.APP || access.roles.includes(r));
}

/** Merges the core table with the plugins' (a plugin may not redefine a core type or another plugin's). */
export function mergeTypeAccess(core: TypeAccessTable, contributions: readonly { plugin: string; types: TypeAccessTable }[]): TypeAccessTable {
  const out: Record<string, TypeAccess | 'structural'> = { ...core };
  const owner = new Map<string, string>(Object.keys(core).map((k) => [k, 'core']));
  for (const { plugin, types } of contributions) {
    for (const [name, access] of Object.entries(types)) {
      const was = owner.get(name);
      if (was) throw new Error(`type access: plugin ${plugin} names ${name}, which ${was === 'core' ? 'the core' : `plugin ${was}`} already names`);
      owner.set(name, plugin);
      out[name] = access;
    }
  }
  return out;
}
