/**
 * The owners a stack declares, read from the analyzer's resources: which users each of our
 * resources makes owners of which role, and what the last create or refresh recorded about each
 * user. Pure: no C1 call, no Pulumi runtime.
 */
import { OWNER_ROLE_PROPERTIES, type OwnerRole } from "../model/owner-key";
import { NOT_KNOWN, readKnown, readKnownList, type Known } from "./known-values";
import { type AnalyzedResource, type OwnerResourceKind, ownerResourceKindOf } from "./resource-kinds";

/** The C1 user fields the policies read, as the resource's outputs recorded them. */
export interface RecordedUserFields {
  status?: string;
  email?: string;
}

/**
 * What state says about an owner's C1 user.
 * - `recorded`: the last create or refresh recorded the user (its status and email).
 * - `missing`: C1 recorded the ownership but returned no user: the user is gone from the directory.
 * - `not-yet-known`: nothing recorded yet, as for an owner a preview is about to create.
 */
/**
 * What is known of a listed user: recorded by the last create or refresh, or `lookedUp` by this
 * preview's check (a user the change adds); `missing` when C1 listed the owner without a user.
 */
export type RecordedUser = { state: "recorded"; user: RecordedUserFields; lookedUp?: true } | { state: "missing" } | { state: "not-yet-known" };

/** One of our resources as the policies see it. */
export interface OwnerResourceView {
  kind: OwnerResourceKind;
  urn: string;
  name: string;
  /** Undefined when the app, connector or role is not a known string (e.g. pending in a preview). */
  role: OwnerRole | undefined;
  /** The user ids it makes owners of; NOT_KNOWN when not known until apply. */
  userIds: Known<string[]>;
  /** What state recorded about each listed user, by user id. */
  recordedUsers: ReadonlyMap<string, RecordedUser>;
}

function readKnownString(source: unknown, key: string): Known<string | undefined> {
  const value = readKnown(source, key);
  if (value === NOT_KNOWN) return NOT_KNOWN;
  return typeof value === "string" && value !== "" ? value : undefined;
}

function readRole(props: Record<string, unknown>): OwnerRole | undefined {
  const parts: string[] = [];
  for (const property of OWNER_ROLE_PROPERTIES) {
    const value = readKnownString(props, property);
    if (value === NOT_KNOWN || value === undefined) return undefined;
    parts.push(value);
  }
  const [appId, connectorId, roleSlug] = parts;
  return { appId, connectorId, roleSlug };
}

/** What an owner record (a single owner's outputs, or one entry of a set's `owners`) says about its user. */
function readRecordedUser(record: unknown): RecordedUser {
  const user = readKnown(record, "user");
  if (user === NOT_KNOWN) return { state: "not-yet-known" };
  if (user !== null && typeof user === "object" && typeof readKnown(user, "id") === "string") {
    const fields: RecordedUserFields = {};
    const status = readKnownString(user, "status");
    if (typeof status === "string") fields.status = status;
    const email = readKnownString(user, "email");
    const emails = readKnownList(readKnown(user, "emails"));
    const firstEmail = Array.isArray(emails) ? emails.find((item): item is string => typeof item === "string" && item !== "") : undefined;
    if (typeof email === "string") fields.email = email;
    else if (firstEmail !== undefined) fields.email = firstEmail;
    return { state: "recorded", user: fields };
  }
  // createdAt comes from C1's record of the ownership: C1 listed the owner but returned no user.
  return typeof readKnownString(record, "createdAt") === "string" ? { state: "missing" } : { state: "not-yet-known" };
}

function readSetUserIds(props: Record<string, unknown>): Known<string[]> {
  const list = readKnownList(readKnown(props, "userIds"));
  if (list === NOT_KNOWN) return NOT_KNOWN;
  return (list ?? []).filter((item): item is string => typeof item === "string" && item !== "");
}

function readSetRecordedUsers(props: Record<string, unknown>, userIds: Known<string[]>): Map<string, RecordedUser> {
  const recorded = new Map<string, RecordedUser>();
  if (userIds === NOT_KNOWN) return recorded;
  const owners = readKnownList(readKnown(props, "owners"));
  const byUserId = new Map<string, unknown>();
  if (Array.isArray(owners)) {
    for (const owner of owners) {
      const userId = readKnown(owner, "userId");
      if (typeof userId === "string") byUserId.set(userId, owner);
    }
  }
  // Only listed users count: a preview's outputs may still hold users the change removes.
  for (const userId of userIds) recorded.set(userId, byUserId.has(userId) ? readRecordedUser(byUserId.get(userId)) : { state: "not-yet-known" });
  return recorded;
}

/**
 * What the provider's check looked up in C1 about the users a change adds (`verifiedUsers`), by
 * user id: a preview knows their status and email before anything is written.
 */
function readVerifiedUsers(props: Record<string, unknown>): Map<string, RecordedUser> {
  const verified = new Map<string, RecordedUser>();
  const list = readKnownList(readKnown(props, "verifiedUsers"));
  if (!Array.isArray(list)) return verified;
  for (const entry of list) {
    const id = readKnownString(entry, "id");
    if (typeof id !== "string") continue;
    const fields: RecordedUserFields = {};
    const status = readKnownString(entry, "status");
    const email = readKnownString(entry, "email");
    if (typeof status === "string") fields.status = status;
    if (typeof email === "string") fields.email = email;
    verified.set(id, { state: "recorded", user: fields, lookedUp: true });
  }
  return verified;
}

/** What state recorded of each user, with what check looked up standing in for users not recorded yet. */
function withVerifiedUsers(recorded: Map<string, RecordedUser>, props: Record<string, unknown>): Map<string, RecordedUser> {
  for (const [userId, user] of readVerifiedUsers(props)) {
    if (recorded.get(userId)?.state === "not-yet-known") recorded.set(userId, user);
  }
  return recorded;
}

/** Reads one of our resources; undefined for any other resource. */
export function readOwnerResource(resource: AnalyzedResource): OwnerResourceView | undefined {
  const kind = ownerResourceKindOf(resource);
  if (kind === undefined) return undefined;
  const { props, urn, name } = resource;
  const role = readRole(props);
  if (kind === "ConnectorUserOwner") {
    const userId = readKnownString(props, "userId");
    const userIds = userId === NOT_KNOWN ? NOT_KNOWN : userId === undefined ? [] : [userId];
    const recordedUsers = new Map<string, RecordedUser>(typeof userId === "string" ? [[userId, readRecordedUser(props)]] : []);
    return { kind, urn, name, role, userIds, recordedUsers: withVerifiedUsers(recordedUsers, props) };
  }
  const userIds = readSetUserIds(props);
  // Exclusive or not, a set's listed users are owners the stack declares: both count the same.
  return { kind, urn, name, role, userIds, recordedUsers: withVerifiedUsers(readSetRecordedUsers(props, userIds), props) };
}

/** Our resources among a stack's resources, in the order given. */
export function readOwnerResources(resources: readonly AnalyzedResource[]): OwnerResourceView[] {
  return resources.map(readOwnerResource).filter((view): view is OwnerResourceView => view !== undefined);
}
