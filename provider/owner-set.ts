import type { OwnerRole } from "./owner-api";
import { OwnerUser, toOwnerUser } from "./outputs";
import type { JsonObject } from "./client";

/** Inputs of a ConnectorUserOwners resource, as the provider receives them. */
export interface ConnectorUserOwnersInputs extends OwnerRole {
  /** The user ids that must be exactly the role's owners. A set: stored sorted, without duplicates. */
  userIds: string[];
}

/** One owner in the set, with the user's details when C1 returns them. */
export interface SetOwner {
  userId: string;
  createdAt?: string;
  user?: OwnerUser;
}

/** Everything a ConnectorUserOwners resource records in state. */
export interface ConnectorUserOwnersOutputs extends ConnectorUserOwnersInputs {
  /** The current owners, sorted by user id. */
  owners: SetOwner[];
  /** Owners the last create or update added. */
  addedCount: number;
  /** Owners the last create or update removed. */
  removedCount: number;
}

/** The keys that identify the set: changing one means another role, so a replacement. */
export const OWNER_SET_KEY_PROPERTIES = ["appId", "connectorId", "roleSlug"] as const;

/** A set of user ids as a sorted list without duplicates. */
export function toUserIdSet(userIds: readonly string[]): string[] {
  return [...new Set(userIds)].sort();
}

/** True when both lists hold the same user ids, whatever their order or duplicates. */
export function isSameUserIdSet(a: readonly string[], b: readonly string[]): boolean {
  const left = toUserIdSet(a);
  const right = toUserIdSet(b);
  return left.length === right.length && left.every((userId, index) => userId === right[index]);
}

/** The user id of a listed ConnectorOwnerUser, if it names one. */
export function userIdOf(owner: JsonObject): string | undefined {
  const user = owner.user as { id?: unknown } | null | undefined;
  return typeof user?.id === "string" && user.id !== "" ? user.id : undefined;
}

/** Turns C1's ConnectorOwnerUser into one entry of the set's `owners` output. */
export function toSetOwner(userId: string, owner: JsonObject | undefined): SetOwner {
  const entry: SetOwner = { userId };
  if (typeof owner?.createdAt === "string" && owner.createdAt !== "") entry.createdAt = owner.createdAt;
  const user = toOwnerUser(owner?.user);
  if (user) entry.user = user;
  return entry;
}

/** Runs `task` over `items`, at most `limit` at a time; settles all, then rethrows the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
