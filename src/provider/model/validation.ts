import type { dynamic } from "@pulumi/pulumi";
import { OWNER_KEY_PROPERTIES, OWNER_ROLE_PROPERTIES, type OwnerKey, type OwnerKeyProperty } from "./owner-key";

/** The longest key value accepted. C1 ids are short (KSUIDs); this only stops obvious mistakes. */
export const MAX_KEY_LENGTH = 256;

/** The engine's placeholder for a value not known until apply (see `pulumi.runtime.unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One invalid key property, in the shape Pulumi's `check` reports. */
export type KeyFailure = dynamic.CheckFailure & { property: OwnerKeyProperty };

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators: matching them is the point.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// Half of a UTF-16 surrogate pair without the other half: not text, and encodeURIComponent throws on it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return `${type === "object" ? "an" : "a"} ${type}`;
}

/**
 * Says what is wrong with one key value, or returns undefined when it is fine. Values are never
 * rewritten: a value with stray whitespace is refused rather than trimmed, so that what is in C1
 * is exactly what the program says.
 */
export function findKeyProblem(value: unknown): string | undefined {
  if (value === undefined) return "is required";
  if (typeof value !== "string") return `must be a string, got ${describeType(value)}`;
  if (value.length === 0) return "must not be empty";
  if (value.trim().length === 0) return "must not be only whitespace";
  if (value.trim() !== value) return "must not start or end with whitespace";
  if (CONTROL_CHARACTER.test(value)) return "must not contain control characters (newline, tab, ...)";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode text (it contains half of a surrogate pair)";
  if (value.includes("/")) return "must not contain '/' (it is one segment of the C1 API path)";
  if (value === "." || value === "..") return `must not be '${value}' (a relative path segment)`;
  if (value.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters, got ${value.length}`;
  return undefined;
}

/**
 * Checks the key properties of an owner (all four by default; a set passes its three). Values
 * still unknown during a preview are skipped: they are checked again when known.
 */
export function findOwnerKeyFailures<P extends OwnerKeyProperty>(
  props: Record<string, unknown>,
  properties: readonly P[] = OWNER_KEY_PROPERTIES as readonly OwnerKeyProperty[] as readonly P[],
): Array<KeyFailure & { property: P }> {
  const failures: Array<KeyFailure & { property: P }> = [];
  for (const property of properties) {
    const value = props[property];
    if (value === UNKNOWN_VALUE) continue;
    const problem = findKeyProblem(value);
    if (problem) failures.push({ property, reason: `${property} ${problem}` });
  }
  return failures;
}

/** True when every key property is a known value (nothing pending from another resource). */
export function isOwnerKeyKnown(props: Record<string, unknown>): props is Record<string, unknown> & OwnerKey {
  return OWNER_KEY_PROPERTIES.every((property) => typeof props[property] === "string" && props[property] !== UNKNOWN_VALUE);
}

/** Checks a ConnectorUserOwners' inputs: its three role keys and every listed user id. */
export function findConnectorUserOwnersFailures(props: Record<string, unknown>): dynamic.CheckFailure[] {
  const failures: dynamic.CheckFailure[] = findOwnerKeyFailures(props, OWNER_ROLE_PROPERTIES);
  const userIds = props.userIds;
  if (userIds === UNKNOWN_VALUE) return failures;
  if (!Array.isArray(userIds)) {
    failures.push({ property: "userIds", reason: "userIds must be a list of user ids" });
    return failures;
  }
  userIds.forEach((userId, index) => {
    if (userId === UNKNOWN_VALUE) return;
    const problem = findKeyProblem(userId);
    if (problem) failures.push({ property: "userIds", reason: `userIds[${index}] ${problem}` });
  });
  const exclusive = props.exclusive;
  if (exclusive !== undefined && exclusive !== UNKNOWN_VALUE && typeof exclusive !== "boolean") {
    failures.push({ property: "exclusive", reason: `exclusive must be true or false, got ${describeType(exclusive)}` });
  }
  return failures;
}
