/**
 * The ownership document the benchmark gives the root stack (`--program root`): N owners over
 * about N/3 roles of 2-4 users each, as a tenant's document looks ("2,000 owners over about 700
 * roles"). It is checked with the root program's own reader, so the benchmark measures a document
 * the program accepts, with the roles (and so the engine resources) the program declares.
 */
import { readOwnershipDocument, type DeclaredRole } from "../src/ownership/document";
import type { OwnerKey } from "../src/emulator";

/** The role slugs of every connector, in order. */
const ROLE_SLUGS = ["owner", "admin", "auditor"] as const;
/** Connectors per app. */
const CONNECTORS_PER_APP = 2;
/** Users per role: the sizes cycle through these (mean 3), then are evened out to sum to N. */
const ROLE_SIZES = [3, 2, 4] as const;
const MIN_ROLE_SIZE = 2;
const MAX_ROLE_SIZE = 4;
/** Every this-many-th role is exclusive (`{ users: [...], exclusive: true }`); the rest are plain lists. */
const EXCLUSIVE_EVERY = 10;

/** One role's value in the document: its user ids, or the long form of an exclusive role. */
export type RoleValue = string[] | { users: string[]; exclusive: true };

/** The document's shape: app id -> connector id -> role slug -> role. */
export type OwnershipDocument = Record<string, Record<string, Record<string, RoleValue>>>;

/** A generated document and what the benchmark needs to know about it. */
export interface BenchDocument {
  /** The document, as stack config `c1-ownership:owners` takes it. */
  document: OwnershipDocument;
  /** The roles as the root program reads them: one ConnectorUserOwners each. */
  roles: DeclaredRole[];
  /** The apps and their connectors, for the emulator's directory. */
  apps: { appId: string; connectorIds: string[] }[];
  /** Every user the document names, for the emulator's directory (C1 refuses owners it has no user for). */
  userIds: string[];
  /** The owner the drift operation removes in C1 behind the stack's back. */
  drifted: OwnerKey;
}

/** The user id of directory user `index`: `u-bench-0000`, `u-bench-0001`, .... */
export function benchDirectoryUserId(index: number): string {
  return `u-bench-${String(index).padStart(4, "0")}`;
}

/** How many users each of the roles of a document of `owners` owners gets: 2-4 each, summing to `owners`. */
export function planRoleSizes(owners: number): number[] {
  if (!Number.isInteger(owners) || owners < 1) throw new RangeError(`owners must be a whole number >= 1, got ${owners}`);
  const roleCount = Math.max(1, Math.round(owners / 3));
  const min = Math.min(MIN_ROLE_SIZE, owners);
  const sizes = Array.from({ length: roleCount }, (_, index) => ROLE_SIZES[index % ROLE_SIZES.length]);
  let delta = owners - sizes.reduce((sum, size) => sum + size, 0);
  // Even out from the last role back, one user at a time, staying within min..MAX_ROLE_SIZE.
  for (let index = roleCount - 1; delta !== 0; index = (index + roleCount - 1) % roleCount) {
    if (delta > 0 && sizes[index] < MAX_ROLE_SIZE) {
      sizes[index] += 1;
      delta -= 1;
    } else if (delta < 0 && sizes[index] > min) {
      sizes[index] -= 1;
      delta += 1;
    }
  }
  return sizes;
}

/**
 * The document of `owners` owners: apps `app-0001`, ... with connectors `conn-01` and `conn-02`,
 * each with roles `owner`, `admin` and `auditor` of 2-4 users; every tenth role exclusive. Users
 * come from a directory of about owners/2 (each owns about two roles); the users of one role are
 * distinct.
 * @throws OwnershipDocumentError when the root program would refuse the document (a bug here).
 */
export function buildBenchDocument(owners: number): BenchDocument {
  const sizes = planRoleSizes(owners);
  const userCount = Math.max(MAX_ROLE_SIZE, Math.ceil(owners / 2));
  const rolesPerApp = ROLE_SLUGS.length * CONNECTORS_PER_APP;
  const document: OwnershipDocument = {};
  let slot = 0;
  let drifted: OwnerKey | undefined;
  sizes.forEach((size, index) => {
    const appId = `app-${String(Math.floor(index / rolesPerApp) + 1).padStart(4, "0")}`;
    const connectorId = `conn-${String((Math.floor(index / ROLE_SLUGS.length) % CONNECTORS_PER_APP) + 1).padStart(2, "0")}`;
    const roleSlug = ROLE_SLUGS[index % ROLE_SLUGS.length];
    // Consecutive slots modulo userCount (>= MAX_ROLE_SIZE): never the same user twice in a role.
    const users = Array.from({ length: size }, () => benchDirectoryUserId(slot++ % userCount));
    ((document[appId] ??= {})[connectorId] ??= {})[roleSlug] = (index + 1) % EXCLUSIVE_EVERY === 0 ? { users, exclusive: true } : users;
    if (index === Math.floor(sizes.length / 2)) drifted = { appId, connectorId, roleSlug, userId: users[0] };
  });
  const apps = Object.entries(document).map(([appId, connectors]) => ({ appId, connectorIds: Object.keys(connectors) }));
  const userIds = Array.from({ length: Math.min(userCount, owners) }, (_, index) => benchDirectoryUserId(index));
  return { document, roles: readOwnershipDocument(document), apps, userIds, drifted: drifted! };
}
