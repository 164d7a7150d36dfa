/**
 * People who use the hub in a browser: each account belongs to one licensee and holds one or more
 * roles. API keys stay for machines. Pure: no I/O, no clock of its own.
 */
import * as z from 'zod';

/** What each role is for (issue 15): the console shows and allows actions by role, beside the party rule. */
export const roles = ['admin', 'shipping', 'receiving', 'driver', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const roleDescriptions: Readonly<Record<Role, string>> = {
  admin: 'People, API keys and state-system connections',
  shipping: 'Drafts, manifests and departures',
  receiving: 'Receiving, adjusting and rejecting what arrives',
  driver: 'Their trips: the manifest, departure and arrival',
  viewer: 'Sees everything, changes nothing',
};

/** What a person may do, by the roles that grant it. Viewers see; only these grant a change. */
export const permissions = {
  'manage-people': ['admin'],
  'manage-keys': ['admin'],
  'manage-connections': ['admin'],
  'edit-drafts': ['admin', 'shipping'],
  manifest: ['admin', 'shipping'],
  depart: ['admin', 'shipping', 'driver'],
  arrive: ['admin', 'shipping', 'driver'],
  receive: ['admin', 'receiving'],
  view: ['admin', 'shipping', 'receiving', 'driver', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export function allows(personRoles: readonly Role[], permission: Permission): boolean {
  const granting: readonly Role[] = permissions[permission];
  return personRoles.some((role) => granting.includes(role));
}

/** `invited`: the invitation is not taken up yet; `revoked`: an admin ended the account (it stays, as history names it). */
export type PersonStatus = 'invited' | 'active' | 'revoked';

/** Who acted: an API key, or a person (signed in) through the key or console they used. */
export interface ActedBy {
  readonly apiKeyId: string;
  readonly personId?: string;
}

export interface Person {
  readonly id: string;
  readonly licenseeId: string;
  /** Lower case, trimmed: the address sign-in links go to, unique across the hub. */
  readonly email: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly status: PersonStatus;
  readonly invitedAt: string;
  readonly invitedBy: ActedBy;
  readonly activatedAt?: string;
  readonly revokedAt?: string;
  /** Who revoked the account (the audit of it: the person record is kept). */
  readonly revokedBy?: ActedBy;
  /**
   * The SHA-256 of the invitation link that works now: sending the invitation again replaces it,
   * and an older link is refused. Absent on accounts invited before invitations could be sent again.
   */
  readonly invitationHash?: string;
  /** When and by whom the invitation was last sent again. */
  readonly invitationResentAt?: string;
  readonly invitationResentBy?: ActedBy;
  /**
   * Sessions carry the generation they were opened in; signing out everywhere (or revoking the
   * person) moves it on, so every older session ends at its next request.
   */
  readonly sessionGeneration: number;
  readonly version: number;
}

/** E-mail addresses compare without case or surrounding spaces (the domain part is case-free; local parts in practice too). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const personName = z
  .string()
  .trim()
  .min(1, { error: 'Enter a name' })
  .max(120, { error: 'Use at most 120 characters' })
  // One line of text: no control or bidirectional formatting characters.
  .refine((name) => !/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(name), { error: 'Use letters, spaces and punctuation only' });

export const invitationBody = z.strictObject({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email({ error: 'Enter an e-mail address' })),
  name: personName,
  roles: z
    .array(z.enum(roles))
    .min(1, { error: 'Give at least one role' })
    .max(roles.length)
    .transform((given) => roles.filter((role) => given.includes(role))),
});
export type Invitation = z.infer<typeof invitationBody>;

export const setupForm = z.strictObject({ name: personName });

export function invitedPerson(invitation: Invitation, ids: { readonly id: string; readonly licenseeId: string }, at: string, by: ActedBy): Person {
  return {
    id: ids.id,
    licenseeId: ids.licenseeId,
    email: invitation.email,
    name: invitation.name,
    roles: invitation.roles,
    status: 'invited',
    invitedAt: at,
    invitedBy: by,
    sessionGeneration: 1,
    version: 1,
  };
}

/** Taking up the invitation: the person may correct the name the admin typed. */
export function activated(person: Person, name: string, at: string): Person {
  return { ...person, name, status: 'active', activatedAt: at, version: person.version + 1 };
}

export const canSignIn = (person: Person): boolean => person.status === 'active';

/**
 * Revoking: the account stays (history names it) but opens nothing any more. The session
 * generation moves on in the same write, so every session of the person ends at its next request.
 */
export function revoked(person: Person, at: string, by: ActedBy): Person {
  return { ...person, status: 'revoked', revokedAt: at, revokedBy: by, sessionGeneration: person.sessionGeneration + 1, version: person.version + 1 };
}

/** The invitation sent again: a new link replaces the old one. */
export function reinvited(person: Person, invitationHash: string, at: string, by: ActedBy): Person {
  return { ...person, invitationHash, invitationResentAt: at, invitationResentBy: by, version: person.version + 1 };
}

/** Whether an invitation link (by its hash) is the one that works for this person now. */
export const isCurrentInvitation = (person: Person, tokenHash: string): boolean =>
  person.status === 'invited' && (person.invitationHash === undefined || person.invitationHash === tokenHash);

/** The person as the API and pages show them. */
export const personView = z
  .object({
    id: z.string(),
    email: z.email(),
    name: z.string(),
    roles: z.array(z.enum(roles)),
    status: z.enum(['invited', 'active', 'revoked']),
    invitedAt: z.iso.datetime({ offset: true }),
    invitedBy: z.object({ apiKeyId: z.string(), personId: z.string().optional() }),
    activatedAt: z.iso.datetime({ offset: true }).optional(),
    revokedAt: z.iso.datetime({ offset: true }).optional(),
    revokedBy: z.object({ apiKeyId: z.string(), personId: z.string().optional() }).optional(),
    invitationResentAt: z.iso.datetime({ offset: true }).optional(),
    invitationResentBy: z.object({ apiKeyId: z.string(), personId: z.string().optional() }).optional(),
  })
  .meta({ id: 'Person' });
export type PersonView = z.infer<typeof personView>;

export const presentPerson = (person: Person): PersonView => ({
  id: person.id,
  email: person.email,
  name: person.name,
  roles: [...person.roles],
  status: person.status,
  invitedAt: person.invitedAt,
  invitedBy: person.invitedBy,
  ...(person.activatedAt ? { activatedAt: person.activatedAt } : {}),
  ...(person.revokedAt ? { revokedAt: person.revokedAt } : {}),
  ...(person.revokedBy ? { revokedBy: person.revokedBy } : {}),
  ...(person.invitationResentAt ? { invitationResentAt: person.invitationResentAt } : {}),
  ...(person.invitationResentBy ? { invitationResentBy: person.invitationResentBy } : {}),
});

export const peopleListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

export const personPage = z.object({ items: z.array(personView), cursor: z.string().optional() }).meta({ id: 'PersonPage' });
