/**
 * What each violation says: the app, connector, role and user concerned, and what to change,
 * in the code or in the policy pack config.
 */
import type { OwnerRole } from "../model/owner-key";
import type { UnderstaffedRole } from "./owner-counts";
import type { DisallowedOwner, InactiveOwner } from "./owner-checks";
import { POLICY_NAMES } from "./policy-config";

function describeRole(role: OwnerRole): string {
  return `app ${role.appId}, connector ${role.connectorId}, role ${role.roleSlug}`;
}

function describeUser(userId: string, email: string | undefined): string {
  return email === undefined ? `user ${userId}` : `user ${userId} (${email})`;
}

/** A role with too few owners. */
export function understaffedRoleMessage(role: UnderstaffedRole): string {
  const owners = role.userIds.length === 0 ? "no owners" : `${role.userIds.length} owner(s) (${role.userIds.join(", ")})`;
  const where = role.resources.map((resource) => resource.name).join(", ");
  return (
    `${describeRole(role.role)} has ${owners} in this stack, fewer than the ${role.minimum} required (declared by ${where}). ` +
    `Add ${role.minimum - role.userIds.length} more owner(s) to the role, or change ` +
    `${POLICY_NAMES.minimumOwners}.minOwnersByRole.${role.role.roleSlug} in the policy pack config.`
  );
}

/** An owner whose user is not active in C1. */
export function inactiveOwnerMessage(owner: InactiveOwner): string {
  const state =
    owner.status === "missing"
      ? "is no longer in the C1 directory (C1 returned no user for it)"
      : `is ${owner.status} in C1, as ${owner.lookedUp ? "this preview looked it up (a user the change adds)" : "the last refresh or create recorded"}`;
  return (
    `${describeUser(owner.userId, owner.email)}, owner of ${describeRole(owner)} (${owner.resourceName}), ${state}. ` +
    `Remove ${owner.userId} from the role and name an active owner instead.`
  );
}

/** An owner the allow rules refuse. */
export function disallowedOwnerMessage(owner: DisallowedOwner): string {
  const subject = `${describeUser(owner.userId, owner.email)}, owner of ${describeRole(owner)} (${owner.resourceName}),`;
  switch (owner.reason) {
    case "denied-user":
      return (
        `${subject} is on the deny list (${POLICY_NAMES.allowedOwners}.deniedUserIds). ` +
        `Remove ${owner.userId} from the role, or from the deny list in the policy pack config.`
      );
    case "email-domain":
      return (
        `${subject} has an email at ${owner.domain || "no domain"}, which is not an allowed domain (${POLICY_NAMES.allowedOwners}.allowedEmailDomains). ` +
        `Name an owner from an allowed domain instead, or add the domain to the allowlist in the policy pack config.`
      );
    case "no-email":
      return (
        `${subject} has no email in C1, so it cannot be checked against ${POLICY_NAMES.allowedOwners}.allowedEmailDomains. ` +
        `Name an owner with an email at an allowed domain instead.`
      );
  }
}
