/**
 * Claims, in the program's process, on the connector roles the program manages: refuses a role
 * managed both by a ConnectorUserOwners set and by single ConnectorUserOwner resources (or by two
 * sets), and one owner declared twice. Either would make resources undo each other's changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { type OwnerKey, ownerIdentity, type OwnerRole, roleIdentity } from "../model/owner-key";
import { programRegistry, type RoleManagement } from "./program-registry";

function describeRole(role: OwnerRole): string {
  return `role "${role.roleSlug}" of connector "${role.connectorId}" (app "${role.appId}")`;
}

/**
 * Claims `role` for `management` by the resource `name`. Throws when the program already manages
 * the role the other way, or by another set.
 */
export function claimRole(role: OwnerRole, management: RoleManagement, name: string): void {
  const roles = programRegistry().roles;
  const identity = roleIdentity(role);
  const existing = roles.get(identity);
  if (existing === "ConnectorUserOwners" || (existing !== undefined && management === "ConnectorUserOwners")) {
    throw new Error(
      `${name}: ${describeRole(role)} is already managed by ${existing === "ConnectorUserOwners" ? "a ConnectorUserOwners resource" : "ConnectorUserOwner resources"} in this program; ` +
        "a role is managed either by one ConnectorUserOwners (listing every owner) or by single ConnectorUserOwner resources, never both",
    );
  }
  roles.set(identity, management);
}

/**
 * Claims one owner (app, connector, role, user) for the resource `name`. Throws when another
 * resource of the program already declares the same owner: both would record it, and removing
 * either later would delete the owner from C1 behind the other's back.
 */
export function claimOwner(key: OwnerKey, name: string): void {
  const owners = programRegistry().owners;
  const identity = ownerIdentity(key);
  const existing = owners.get(identity);
  if (existing !== undefined && existing !== name) {
    throw new Error(
      `${name}: user "${key.userId}" as ${describeRole(key)} is already declared by ConnectorUserOwner "${existing}" in this program; declare each owner once`,
    );
  }
  owners.set(identity, name);
}

/** The keys as a program passes them: plain strings or outputs. A single owner also has userId. */
export interface RoleInputs {
  appId: unknown;
  connectorId: unknown;
  roleSlug: unknown;
  userId?: unknown;
}

/**
 * Claims the role (and, for a single owner, the owner) named by a resource's inputs, and returns
 * the roleSlug input to register.
 * Plain strings are claimed at once, so a conflict stops the program before anything is
 * registered; keys that are outputs are claimed when known, inside the returned roleSlug, so a
 * conflict fails that resource instead of vanishing in an unused apply.
 */
export function claimRoleInputs<T>(inputs: RoleInputs, management: RoleManagement, name: string): T {
  const claimAll = (appId: string, connectorId: string, roleSlug: string, userId: unknown) => {
    claimRole({ appId, connectorId, roleSlug }, management, name);
    if (typeof userId === "string") claimOwner({ appId, connectorId, roleSlug, userId }, name);
  };
  const { appId, connectorId, roleSlug, userId } = inputs;
  const plain = [appId, connectorId, roleSlug].every((value) => typeof value === "string");
  if (plain && (userId === undefined || typeof userId === "string")) {
    claimAll(appId as string, connectorId as string, roleSlug as string, userId);
    return roleSlug as T;
  }
  return pulumi.all([appId as string, connectorId as string, roleSlug as string, userId as string | undefined]).apply(([app, connector, role, user]) => {
    claimAll(app, connector, role, user);
    return role;
  }) as T;
}
