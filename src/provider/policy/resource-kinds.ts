/**
 * Tells this package's two resources apart from everything else a policy pack sees. Runs in the
 * policy-pack process: it reads the engine's view of a resource, never the provider's classes.
 */

import { OWNER_RESOURCE_TYPES, type OwnerResourceKind } from "../model/type-tokens";

export { OWNER_RESOURCE_TYPES, type OwnerResourceKind };

/** A resource as the analyzer hands it to a stack policy: the fields these policies read. */
export interface AnalyzedResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

/** Which of the two resources this is, or undefined for any other resource. */
export function ownerResourceKindOf(resource: Pick<AnalyzedResource, "type">): OwnerResourceKind | undefined {
  return (Object.keys(OWNER_RESOURCE_TYPES) as OwnerResourceKind[]).find((kind) => OWNER_RESOURCE_TYPES[kind] === resource.type);
}
