/**
 * Owners per connector role across a whole stack: single owners and sets (exclusive or not) of
 * the same app, connector and role add up, and a user declared twice counts once.
 */
import { type OwnerRole, roleIdentity } from "../model/owner-key";
import { NOT_KNOWN } from "./known-values";
import type { OwnerResourceView } from "./owner-resources";
import { compareText } from "../util/compare-text";

/** The owners a stack declares for one role. */
export interface RoleOwners {
  role: OwnerRole;
  /** Distinct user ids, sorted. */
  userIds: string[];
  /** The resources that declare them, sorted by URN. */
  resources: Array<Pick<OwnerResourceView, "kind" | "urn" | "name">>;
  /** False when a resource's users are not known until apply: the count is then a lower bound. */
  complete: boolean;
}

/** Groups the stack's owners by role. Resources whose role is not known yet are left out. Sorted by role. */
export function countOwnersByRole(views: readonly OwnerResourceView[]): RoleOwners[] {
  const byRole = new Map<string, { role: OwnerRole; userIds: Set<string>; resources: RoleOwners["resources"]; complete: boolean }>();
  for (const view of views) {
    if (view.role === undefined) continue;
    const identity = roleIdentity(view.role);
    const entry = byRole.get(identity) ?? { role: view.role, userIds: new Set<string>(), resources: [], complete: true };
    byRole.set(identity, entry);
    entry.resources.push({ kind: view.kind, urn: view.urn, name: view.name });
    if (view.userIds === NOT_KNOWN) entry.complete = false;
    else for (const userId of view.userIds) entry.userIds.add(userId);
  }
  return [...byRole.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, entry]) => ({
      role: entry.role,
      userIds: [...entry.userIds].sort(),
      resources: entry.resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
      complete: entry.complete,
    }));
}

/** A role with fewer owners than its minimum. */
export interface UnderstaffedRole extends RoleOwners {
  minimum: number;
}

/**
 * The roles with fewer owners than `minimumFor(roleSlug)`. A role whose users are not all known
 * yet is only reported once they are: a preview cannot count what apply has not decided.
 */
export function findUnderstaffedRoles(roles: readonly RoleOwners[], minimumFor: (roleSlug: string) => number): UnderstaffedRole[] {
  return roles
    .filter((role) => role.complete)
    .map((role) => ({ ...role, minimum: minimumFor(role.role.roleSlug) }))
    .filter((role) => role.userIds.length < role.minimum);
}
