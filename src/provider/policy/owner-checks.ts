/**
 * Checks of each declared owner on its own: is the user active in C1, as state last recorded it,
 * and is the user allowed to own a connector at all. Pure: no C1 call.
 */
import type { OwnerKey } from "../model/owner-key";
import { NOT_KNOWN } from "./known-values";
import type { OwnerResourceView, RecordedUser } from "./owner-resources";

/** One declared owner: its key, the resource that declares it and what state recorded about it. */
export interface DeclaredOwner extends OwnerKey {
  urn: string;
  resourceName: string;
  recorded: RecordedUser;
}

/** Every owner the resources declare, one per resource and user (a user in two resources is listed twice). */
export function listDeclaredOwners(views: readonly OwnerResourceView[]): DeclaredOwner[] {
  const owners: DeclaredOwner[] = [];
  for (const view of views) {
    if (view.role === undefined || view.userIds === NOT_KNOWN) continue;
    for (const userId of view.userIds) {
      const recorded = view.recordedUsers.get(userId) ?? { state: "not-yet-known" };
      owners.push({ ...view.role, userId, urn: view.urn, resourceName: view.name, recorded });
    }
  }
  return owners;
}

/** The only user status that may own a connector. */
export const ACTIVE_USER_STATUS = "ENABLED";

/** An owner whose user is not active: its recorded status, or `missing` when C1 returned no user. */
export interface InactiveOwner extends DeclaredOwner {
  status: string;
  email?: string;
  /** The status comes from this preview's lookup of a user the change adds, not from state. */
  lookedUp?: true;
}

/**
 * Owners whose recorded user is not ENABLED (DISABLED, DELETED, UNKNOWN or no status at all), or
 * whose user C1 no longer returns. Owners with nothing recorded yet are not judged: see docs/policy.md.
 */
export function findInactiveOwners(owners: readonly DeclaredOwner[]): InactiveOwner[] {
  const inactive: InactiveOwner[] = [];
  for (const owner of owners) {
    if (owner.recorded.state === "missing") inactive.push({ ...owner, status: "missing" });
    else if (owner.recorded.state === "recorded" && owner.recorded.user.status !== ACTIVE_USER_STATUS) {
      const lookedUp = owner.recorded.lookedUp ? { lookedUp: true as const } : {};
      inactive.push({ ...owner, status: owner.recorded.user.status ?? "UNKNOWN", email: owner.recorded.user.email, ...lookedUp });
    }
  }
  return inactive;
}

/** Who may own a connector. Empty lists allow everyone. */
export interface OwnerAllowRules {
  /** Email domains an owner's email must be at (exact, case-insensitive). Empty: any domain. */
  allowedEmailDomains: readonly string[];
  /** User ids that may never own a connector. */
  deniedUserIds: readonly string[];
}

/** An owner the rules refuse, and why. */
export type DisallowedOwner = DeclaredOwner &
  ({ reason: "denied-user"; email?: string } | { reason: "email-domain"; email: string; domain: string } | { reason: "no-email"; email?: undefined });

/** The domain of an email address, lower-cased; undefined without an `@`. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf("@");
  return at < 0 || at === email.length - 1 ? undefined : email.slice(at + 1).toLowerCase();
}

/**
 * Owners the rules refuse. The deny list reads the declared user id, so it holds in every preview;
 * the domain allowlist reads the recorded email, so an owner with nothing recorded yet is not judged.
 */
export function findDisallowedOwners(owners: readonly DeclaredOwner[], rules: OwnerAllowRules): DisallowedOwner[] {
  const denied = new Set(rules.deniedUserIds);
  const allowedDomains = new Set(rules.allowedEmailDomains.map((domain) => domain.toLowerCase()));
  const disallowed: DisallowedOwner[] = [];
  for (const owner of owners) {
    const email = owner.recorded.state === "recorded" ? owner.recorded.user.email : undefined;
    if (denied.has(owner.userId)) {
      disallowed.push({ ...owner, reason: "denied-user", email });
      continue;
    }
    if (allowedDomains.size === 0 || owner.recorded.state !== "recorded") continue;
    if (email === undefined) {
      disallowed.push({ ...owner, reason: "no-email" });
      continue;
    }
    const domain = emailDomainOf(email);
    if (domain === undefined || !allowedDomains.has(domain)) disallowed.push({ ...owner, reason: "email-domain", email, domain: domain ?? "" });
  }
  return disallowed;
}
