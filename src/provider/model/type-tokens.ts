/**
 * The type tokens of the two resources, written once. They are part of the state contract: every
 * version of the package writes them, the engine keys URNs by them, and they are all a policy pack
 * or a reader of state can tell the resources by (the engine drops `__provider` before a policy
 * sees a resource). A dynamic resource's token is `pulumi-nodejs:dynamic/<module>:<name>`.
 */

/** The two resource kinds: their class names, and the last part of their type tokens. */
export type OwnerResourceKind = "ConnectorUserOwner" | "ConnectorUserOwners";

/** The module part of the type tokens (previews show `pulumi-nodejs:dynamic/conductorone:...`). */
export const TYPE_MODULE = "conductorone";

/** The full type token of each resource, as state, engine events and analyzers have it. */
export const OWNER_RESOURCE_TYPES = {
  ConnectorUserOwner: `pulumi-nodejs:dynamic/${TYPE_MODULE}:ConnectorUserOwner`,
  ConnectorUserOwners: `pulumi-nodejs:dynamic/${TYPE_MODULE}:ConnectorUserOwners`,
} as const satisfies Readonly<Record<OwnerResourceKind, string>>;
