/**
 * The emulator's in-memory state: a directory (apps with connectors, users) and the connector
 * user owners. Tests use it directly to arrange data and to make out-of-band changes.
 */

import { randomBytes } from "node:crypto";

/** C1 user status values. */
export type UserStatus = "UNKNOWN" | "ENABLED" | "DISABLED" | "DELETED";

/** A C1 User as returned inside `ConnectorOwnerUser.user` (the fields the emulator fills). */
export interface User {
  id: string;
  email: string;
  emails: string[];
  displayName: string;
  username: string;
  usernames: string[];
  status: UserStatus;
  jobTitle: string;
  department: string;
  managerIds: string[];
  directoryIds: string[];
  employeeIds: string[];
  employmentStatus: string;
  employmentType: string;
  roleIds: string[];
  profile: Record<string, unknown>;
  delegatedUserId: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** The key of one owner: who owns which connector in which role. */
export interface OwnerKey {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

/** The fields of an {@link OwnerKey}, in key order. */
export const OWNER_KEY_FIELDS = ["appId", "connectorId", "roleSlug", "userId"] as const satisfies readonly (keyof OwnerKey)[];

/** A stored owner: its key, when it was created (RFC 3339) and its position in list order. */
export interface OwnerRecord extends OwnerKey {
  createdAt: string;
  /** Monotonic insertion number; lists are ordered by it and page tokens point at it. */
  seq: number;
}

/** The API's `ConnectorOwnerUser`. */
export interface ConnectorOwnerUser {
  appId: string;
  connectorId: string;
  roleSlug: string;
  createdAt: string | null;
  user: User | null;
}

/** Thrown by store methods when a test refers to something the directory does not hold. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

/** Fixed timestamp for seeded directory entries so demo output is stable between runs. */
const SEED_TIME = "2024-01-15T09:00:00Z";

/** Apps and connectors of the demo directory. */
export const DEMO_APPS: Readonly<Record<string, readonly string[]>> = {
  "app-payroll": ["conn-okta", "conn-workday"],
  "app-github": ["conn-github"],
};

/** Users of the demo directory. */
export const DEMO_USERS: readonly Partial<User>[] = [
  { id: "u-alice", displayName: "Alice Anders", jobTitle: "Head of Engineering", department: "Engineering" },
  { id: "u-bob", displayName: "Bob Baker", jobTitle: "Platform Engineer", department: "Engineering", managerIds: ["u-alice"] },
  { id: "u-carol", displayName: "Carol Chen", jobTitle: "Payroll Manager", department: "Finance" },
  { id: "u-dave", displayName: "Dave Diaz", jobTitle: "Security Engineer", department: "Security", managerIds: ["u-alice"] },
  { id: "u-erin", displayName: "Erin Evans", jobTitle: "IT Administrator", department: "IT", managerIds: ["u-carol"] },
];

/**
 * An owner method's arguments: an {@link OwnerKey}, or its four parts in key order
 * (`addOwner(key)` and `addOwner(appId, connectorId, roleSlug, userId)` are the same call).
 */
export type OwnerKeyArgs = [key: OwnerKey] | [appId: string, connectorId: string, roleSlug: string, userId: string];

/** The OwnerKey the arguments name, with exactly the four key fields in key order. */
function ownerKeyOf(args: OwnerKeyArgs): OwnerKey {
  const [first, connectorId, roleSlug, userId] = args as [OwnerKey | string, string?, string?, string?];
  if (typeof first !== "string") {
    return { appId: first.appId, connectorId: first.connectorId, roleSlug: first.roleSlug, userId: first.userId };
  }
  return { appId: first, connectorId: connectorId!, roleSlug: roleSlug!, userId: userId! };
}

/** The one map key of an owner. JSON of the parts in order, so no id can collide with another. */
function mapKeyOf(key: OwnerKey): string {
  return JSON.stringify(OWNER_KEY_FIELDS.map((field) => key[field]));
}

function nowRfc3339(now: () => number): string {
  // toISOString is valid RFC 3339 with 3 fractional digits, as protojson emits.
  return new Date(now()).toISOString();
}

/** In-memory C1 directory and owner store. */
export class EmulatorStore {
  private readonly apps = new Map<string, Set<string>>();
  private readonly users = new Map<string, User>();
  /** Owners by {@link mapKeyOf} their OwnerKey. */
  private readonly owners = new Map<string, OwnerRecord>();
  private nextSeq = 1;

  /** @param now clock used for timestamps (milliseconds since the epoch). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Adds an app, or more connectors to an existing app. */
  addApp(appId: string, connectorIds: readonly string[] = []): void {
    const connectors = this.apps.get(appId) ?? new Set<string>();
    for (const id of connectorIds) connectors.add(id);
    this.apps.set(appId, connectors);
  }

  /** Adds a connector to an app, creating the app if needed. */
  addConnector(appId: string, connectorId: string): void {
    this.addApp(appId, [connectorId]);
  }

  /** True when the app exists. */
  hasApp(appId: string): boolean {
    return this.apps.has(appId);
  }

  /** True when the connector exists in the app. */
  hasConnector(appId: string, connectorId: string): boolean {
    return this.apps.get(appId)?.has(connectorId) ?? false;
  }

  /**
   * Adds (or replaces) a user in the directory, filling every field the caller leaves out
   * (a missing id gets a random `u-…` one).
   * @returns the stored user.
   */
  addUser(partial: Partial<User> = {}): User {
    const id = partial.id ?? `u-${randomBytes(4).toString("hex")}`;
    const local = id.replace(/^u-/, "").replace(/[^a-zA-Z0-9._-]/g, "") || "user";
    const email = partial.email ?? `${local}@example.com`;
    const username = partial.username ?? local;
    const createdAt = partial.createdAt ?? nowRfc3339(this.now);
    const user: User = {
      id,
      email,
      emails: partial.emails ?? [email],
      displayName: partial.displayName ?? local,
      username,
      usernames: partial.usernames ?? [username],
      status: partial.status ?? "ENABLED",
      jobTitle: partial.jobTitle ?? "",
      department: partial.department ?? "",
      managerIds: partial.managerIds ?? [],
      directoryIds: partial.directoryIds ?? [],
      employeeIds: partial.employeeIds ?? [],
      employmentStatus: partial.employmentStatus ?? "active",
      employmentType: partial.employmentType ?? "full_time",
      roleIds: partial.roleIds ?? [],
      profile: partial.profile ?? {},
      delegatedUserId: partial.delegatedUserId ?? "",
      createdAt,
      updatedAt: partial.updatedAt ?? createdAt,
      deletedAt: partial.deletedAt ?? null,
    };
    this.users.set(user.id, user);
    return structuredClone(user);
  }

  /** The user with this id, or undefined. Returns a copy. */
  getUser(userId: string): User | undefined {
    const user = this.users.get(userId);
    return user && structuredClone(user);
  }

  /**
   * Sets a user's status, as a change in C1's directory would. `updatedAt` moves to now, and
   * `deletedAt` is set on a move to DELETED and cleared on a move away, so the record agrees with itself.
   * @returns the updated user.
   * @throws StoreError when the user is unknown (catches typos in tests).
   */
  setUserStatus(userId: string, status: UserStatus): User {
    const user = this.users.get(userId);
    if (!user) throw new StoreError(`user not found: ${userId}`);
    const at = nowRfc3339(this.now);
    if (status === "DELETED" && user.status !== "DELETED") user.deletedAt = at;
    if (status !== "DELETED") user.deletedAt = null;
    user.status = status;
    user.updatedAt = at;
    return structuredClone(user);
  }

  /** Removes a user from the directory (owners that name it then carry `user: null`). */
  removeUser(userId: string): boolean {
    return this.users.delete(userId);
  }

  /** The directory: apps with their connectors, and users. */
  directory(): { apps: { appId: string; connectorIds: string[] }[]; users: User[] } {
    return {
      apps: [...this.apps].map(([appId, connectors]) => ({ appId, connectorIds: [...connectors] })),
      users: [...this.users.values()].map((user) => structuredClone(user)),
    };
  }

  /** Adds the demo directory (see {@link DEMO_APPS} and {@link DEMO_USERS}); existing entries are kept. */
  seedDemo(): void {
    for (const [appId, connectors] of Object.entries(DEMO_APPS)) this.addApp(appId, connectors);
    for (const user of DEMO_USERS) {
      if (user.id === undefined || this.users.has(user.id)) continue;
      this.addUser({ ...user, id: user.id, createdAt: SEED_TIME, updatedAt: SEED_TIME });
    }
  }

  /**
   * Makes a user an owner, as an out-of-band change would. Idempotent.
   * @throws StoreError when the app, connector or user is unknown (catches typos in tests).
   */
  addOwner(...args: OwnerKeyArgs): OwnerRecord {
    const key = ownerKeyOf(args);
    if (!this.hasApp(key.appId)) throw new StoreError(`app not found: ${key.appId}`);
    if (!this.hasConnector(key.appId, key.connectorId)) throw new StoreError(`connector not found: ${key.connectorId}`);
    if (!this.users.has(key.userId)) throw new StoreError(`user not found: ${key.userId}`);
    const existing = this.owners.get(mapKeyOf(key));
    if (existing) return { ...existing };
    const record: OwnerRecord = { ...key, createdAt: nowRfc3339(this.now), seq: this.nextSeq++ };
    this.owners.set(mapKeyOf(key), record);
    return { ...record };
  }

  /** Removes an owner. @returns whether it was an owner. */
  removeOwner(...args: OwnerKeyArgs): boolean {
    return this.owners.delete(mapKeyOf(ownerKeyOf(args)));
  }

  /** True when the user owns the connector in that role. */
  hasOwner(...args: OwnerKeyArgs): boolean {
    return this.owners.has(mapKeyOf(ownerKeyOf(args)));
  }

  /** The stored owner record, or undefined. */
  getOwner(...args: OwnerKeyArgs): OwnerRecord | undefined {
    const record = this.owners.get(mapKeyOf(ownerKeyOf(args)));
    return record && { ...record };
  }

  /** Every owner, in creation order, as plain keys (optionally only those matching `filter`). */
  listOwners(filter: Partial<OwnerKey> = {}): OwnerKey[] {
    return this.ownerRecords(filter).map((record) => ownerKeyOf([record]));
  }

  /** Owner records in creation order, optionally filtered. */
  ownerRecords(filter: Partial<OwnerKey> = {}): OwnerRecord[] {
    return [...this.owners.values()]
      .filter((r) => OWNER_KEY_FIELDS.every((k) => filter[k] === undefined || filter[k] === r[k]))
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({ ...r }));
  }

  /** The API shape of a stored owner, with the full user from the directory. */
  toConnectorOwnerUser(record: OwnerRecord): ConnectorOwnerUser {
    return {
      appId: record.appId,
      connectorId: record.connectorId,
      roleSlug: record.roleSlug,
      createdAt: record.createdAt,
      user: this.getUser(record.userId) ?? null,
    };
  }

  /** Removes every owner; the directory stays. */
  clearOwners(): void {
    this.owners.clear();
  }
}
