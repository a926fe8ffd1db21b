/**
 * Reading the analyzer's property bags safely. In a preview, outputs that only a create or update
 * can fill in are unknown: the policy SDK's proxy throws on reading one, and the engine's own
 * placeholder string may appear where a value comes from another resource. One unknown value must
 * not stop a policy from checking everything else, so reads here turn both into NOT_KNOWN.
 */
import { UNKNOWN_VALUE } from "../model/validation";

/** A value not known until apply. */
export const NOT_KNOWN: unique symbol = Symbol("not known until apply");

/** A value read from a property bag, or NOT_KNOWN. */
export type Known<T> = T | typeof NOT_KNOWN;

/** `source[key]`, or NOT_KNOWN when the value is unknown (or reading it throws). */
export function readKnown(source: unknown, key: string | number): Known<unknown> {
  if (source === null || typeof source !== "object") return undefined;
  try {
    const value = (source as Record<string | number, unknown>)[key];
    return value === UNKNOWN_VALUE ? NOT_KNOWN : value;
  } catch {
    return NOT_KNOWN;
  }
}

/** The elements of a list, or NOT_KNOWN when the list or any element is unknown; undefined when it is not a list. */
export function readKnownList(value: Known<unknown>): Known<unknown[]> | undefined {
  if (value === NOT_KNOWN) return NOT_KNOWN;
  if (!Array.isArray(value)) return undefined;
  const items: unknown[] = [];
  for (let index = 0; index < value.length; index++) {
    const item = readKnown(value, index);
    if (item === NOT_KNOWN) return NOT_KNOWN;
    items.push(item);
  }
  return items;
}
