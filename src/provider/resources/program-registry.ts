import { globalSlot } from "../util/global-slot";

/** How a program manages the owners of one connector role. */
export type RoleManagement = "ConnectorUserOwner" | "ConnectorUserOwners";

/**
 * What the user's program process keeps while it declares resources: which connector roles it
 * manages and how, and which resource declared each single owner (see role-claims.ts).
 *
 * Kept on globalThis under a registered, versioned symbol so two copies of this package in one
 * program still see each other's claims; bump the version when a field changes shape.
 */
export interface ProgramRegistry {
  /** By roleIdentity: how the program manages that role. */
  roles: Map<string, RoleManagement>;
  /** By owner (role and user): the name of the ConnectorUserOwner that declares it. */
  owners: Map<string, string>;
}

/** This program's registry, created on first use. */
export function programRegistry(): ProgramRegistry {
  return globalSlot<ProgramRegistry>("program-registry/v1", () => ({ roles: new Map(), owners: new Map() }));
}
