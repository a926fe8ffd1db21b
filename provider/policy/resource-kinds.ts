/**
 * Tells this package's two resources apart from everything else a policy pack sees. Runs in the
 * policy-pack process: it reads the engine's view of a resource, never the provider's classes.
 */

/** The two resource kinds the ownership policies read. */
export type OwnerResourceKind = "ConnectorUserOwner" | "ConnectorUserOwners";

/** A resource as the analyzer hands it to a stack policy: the fields these policies read. */
export interface AnalyzedResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

/**
 * The type tokens in state, by kind. They are part of the state contract (see the README), so
 * every version of the package writes them. They are also all an analyzer can go by: the engine
 * drops internal `__` properties, `__provider` included, before a policy sees a resource.
 */
export const OWNER_RESOURCE_TYPES: Readonly<Record<OwnerResourceKind, string>> = {
  ConnectorUserOwner: "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner",
  ConnectorUserOwners: "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwners",
};

/** Which of the two resources this is, or undefined for any other resource. */
export function ownerResourceKindOf(resource: Pick<AnalyzedResource, "type">): OwnerResourceKind | undefined {
  return (Object.keys(OWNER_RESOURCE_TYPES) as OwnerResourceKind[]).find((kind) => OWNER_RESOURCE_TYPES[kind] === resource.type);
}
