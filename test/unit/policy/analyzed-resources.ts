/**
 * Resources as the policy analyzer hands them to a stack policy (the engine leaves out internal
 * `__` properties such as `__provider`): our type tokens, and the outputs a create or refresh
 * records, or only the inputs, for a resource a preview is about to create or update.
 */
import type { AnalyzedResource } from "../../../src/provider/policy";
import { OWNER_RESOURCE_TYPES } from "../../../src/provider/model/type-tokens";

/** The policy SDK's internal proxy and sentinels (untyped: internal): what a stack policy receives in a preview. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(value: T): T;
  unknownStringValue: object;
  unknownArrayValue: object;
  unknownObjectValue: object;
};

export const OWNER_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwner;
export const OWNER_SET_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::c1-ownership::${type}::${name}`;
}

export interface Role {
  appId: string;
  connectorId: string;
  roleSlug: string;
}

/** A C1 user as recorded in outputs. */
export function user(id: string, status = "ENABLED", email = `${id.replace(/^u-/, "")}@example.com`) {
  return { id, email, displayName: id, status, emails: [email] };
}

/** A ConnectorUserOwner; `outputs` as the last create or refresh recorded them (none: about to be created). */
export function singleOwner(name: string, role: Role, userId: string, outputs?: Record<string, unknown>): AnalyzedResource {
  return {
    type: OWNER_TYPE,
    urn: urnOf(OWNER_TYPE, name),
    name,
    props: { ...role, userId, ...outputs },
  };
}

/** A ConnectorUserOwner with the outputs a create records for a user of this status. */
export function recordedOwner(name: string, role: Role, userId: string, status = "ENABLED"): AnalyzedResource {
  return singleOwner(name, role, userId, { createdAt: "2025-01-01T00:00:00Z", user: user(userId, status) });
}

/** A ConnectorUserOwners; `owners` as recorded (none: about to be created). */
export function connectorUserOwners(name: string, role: Role, userIds: unknown, options: { exclusive?: boolean; owners?: unknown[] } = {}): AnalyzedResource {
  const props: Record<string, unknown> = { ...role, userIds };
  if (options.exclusive !== undefined) props.exclusive = options.exclusive;
  if (options.owners !== undefined) Object.assign(props, { owners: options.owners, addedCount: 0, removedCount: 0 });
  return { type: OWNER_SET_TYPE, urn: urnOf(OWNER_SET_TYPE, name), name, props };
}

/** A set entry of `owners` with the user of this status recorded. */
export function setOwner(userId: string, status = "ENABLED", email?: string) {
  return { userId, createdAt: "2025-01-01T00:00:00Z", user: user(userId, status, email) };
}

/** Any other resource of the stack. */
export function otherResource(type: string, name: string, props: Record<string, unknown> = {}): AnalyzedResource {
  return { type, urn: urnOf(type, name), name, props };
}

/**
 * The resource as a preview shows it to a policy: `unknown` properties hold the policy SDK's
 * unknown sentinels, and props are wrapped in the SDK's own proxy, which throws on reading one.
 */
export function inPreview(resource: AnalyzedResource, unknown: Record<string, "string" | "array" | "object">): AnalyzedResource {
  const sentinels = { string: sdkProxy.unknownStringValue, array: sdkProxy.unknownArrayValue, object: sdkProxy.unknownObjectValue };
  const props = { ...resource.props, ...Object.fromEntries(Object.entries(unknown).map(([key, kind]) => [key, sentinels[kind]])) };
  return { ...resource, props: sdkProxy.unknownCheckingProxy(props) };
}
