import { toPrintableText } from "../util/printable-text";
import type { OwnerKey, OwnerRole } from "./owner-key";

// What both resources record in state. Outputs written by older versions must still read correctly.

/** The C1 user who owns the connector, as stored in the resource's outputs. */
export interface OwnerUser {
  id: string;
  email?: string;
  displayName?: string;
  username?: string;
  /** UNKNOWN, ENABLED, DISABLED or DELETED. */
  status?: string;
  emails?: string[];
  usernames?: string[];
  jobTitle?: string;
  department?: string;
  employmentStatus?: string;
  employmentType?: string;
  managerIds?: string[];
  directoryIds?: string[];
  createdAt?: string;
  updatedAt?: string;
  deletedAt?: string;
}

/** Everything a ConnectorUserOwner resource records in state. */
export interface ConnectorUserOwnerOutputs extends OwnerKey {
  /** When C1 recorded the ownership (RFC 3339), if C1 says. */
  createdAt?: string;
  /** The owning user's details, if C1 returns them. */
  user?: OwnerUser;
}

const USER_STRING_FIELDS = [
  "email",
  "displayName",
  "username",
  "status",
  "jobTitle",
  "department",
  "employmentStatus",
  "employmentType",
  "createdAt",
  "updatedAt",
  "deletedAt",
] as const;

const USER_LIST_FIELDS = ["emails", "usernames", "managerIds", "directoryIds"] as const;

/**
 * Keeps the useful, well-typed fields of C1's User. Provenance lists (`*Sources`) and the free-form
 * profile are left out: they are large, change often and nobody diffs on them.
 */
export function toOwnerUser(user: unknown): OwnerUser | undefined {
  if (user === null || typeof user !== "object") return undefined;
  const source = user as Record<string, unknown>;
  if (typeof source.id !== "string" || source.id === "") return undefined;
  const result: OwnerUser = { id: source.id };
  // The CLI prints these in diffs and drift reports: no terminal escapes or control characters
  // from C1 reach the reader's terminal. The id is left as C1 sent it: it is a key, checked apart.
  for (const field of USER_STRING_FIELDS) {
    const value = source[field];
    if (typeof value === "string" && value !== "") result[field] = toPrintableText(value);
  }
  for (const field of USER_LIST_FIELDS) {
    const value = source[field];
    if (Array.isArray(value)) result[field] = value.filter((item): item is string => typeof item === "string").map(toPrintableText);
  }
  return result;
}

/**
 * Builds the resource outputs from the key the program declared and C1's ConnectorOwnerUser.
 * The key comes from the program, not the response, so state always matches the declaration.
 */
export function toOwnerOutputs(key: OwnerKey, owner: Record<string, unknown>): ConnectorUserOwnerOutputs {
  const outputs: ConnectorUserOwnerOutputs = { ...key };
  if (typeof owner.createdAt === "string" && owner.createdAt !== "") outputs.createdAt = owner.createdAt;
  const user = toOwnerUser(owner.user);
  if (user) outputs.user = user;
  return outputs;
}

/** One owner in a ConnectorUserOwners set, with the user's details when C1 returns them. */
export interface SetOwner {
  userId: string;
  createdAt?: string;
  user?: OwnerUser;
}

/** Everything a ConnectorUserOwners resource records in state. */
export interface ConnectorUserOwnersOutputs extends OwnerRole {
  /** The managed owners' user ids: a set, stored sorted and without duplicates. */
  userIds: string[];
  /**
   * True: `userIds` are the role's only owners. False: the set manages only those users and
   * leaves the role's other owners alone. Absent in state written before it existed: true.
   */
  exclusive?: boolean;
  /** The managed owners, sorted by user id. */
  owners: SetOwner[];
  /**
   * The inputs' `documentPath`, kept so that the preview's diff (old outputs against new inputs)
   * does not show it as added on every update.
   */
  documentPath?: string;
  /** Owners the last create or update added. */
  addedCount: number;
  /** Owners the last create or update removed. */
  removedCount: number;
}

/** Turns C1's ConnectorOwnerUser (if listed) into one entry of the set's `owners` output. */
export function toSetOwner(userId: string, owner: Record<string, unknown> | undefined): SetOwner {
  const entry: SetOwner = { userId };
  if (typeof owner?.createdAt === "string" && owner.createdAt !== "") entry.createdAt = owner.createdAt;
  const user = toOwnerUser(owner?.user);
  if (user) entry.user = user;
  return entry;
}
