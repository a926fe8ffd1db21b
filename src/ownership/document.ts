/**
 * The ownership document: who owns which C1 connector, in which role, as an ownership stack (declareOwnership) reads it
 * from stack config (`owners` in Pulumi.<stack>.yaml):
 *
 * ```yaml
 * config:
 *   c1-ownership:owners:
 *     app-payroll:                 # app id
 *       conn-okta:                 # connector id
 *         owner: [u-alice, u-bob]  # role slug: user ids
 *         admin:                   # the long form of a role, with its settings
 *           users: [u-carol]
 *           exclusive: true        # nobody else may own the role (one ConnectorUserOwners)
 * ```
 *
 * `checkOwnershipDocument` reports every problem at once, each with its path in the document
 * (`owners.app-payroll.conn-okta.owner[2]: userId must not contain '/' ...`); the same path works
 * with `pulumi config set --path`. Nothing here talks to C1 or Pulumi.
 */
// The provider's own modules, not its index: this module stays free of @pulumi/pulumi. From the
// published package, `formatOwnerId` and `OwnerKey` come from "pulumi-conductorone-owners".
import { formatOwnerId } from "../provider/model/ids";
import type { OwnerKey } from "../provider/model/owner-key";
import { findKeyProblem } from "../provider/model/validation";
import { compareText } from "../provider/util/compare-text";

/** The config key of the document, and the first segment of every path in a problem. */
export const OWNERSHIP_DOCUMENT_KEY = "owners";

/** The settings the long form of a role accepts. */
const ROLE_SETTINGS = ["users", "exclusive"] as const;

/** One role of one connector, as the document declares it. */
export interface DeclaredRole {
  appId: string;
  connectorId: string;
  roleSlug: string;
  /** The role's user ids, in document order. */
  userIds: string[];
  /**
   * True when nobody but `userIds` may own the role: owners added in C1 outside the document show
   * as drift and are removed. False (the document's default): the role's other owners are left
   * alone. Either way the role is one ConnectorUserOwners.
   */
  exclusive: boolean;
  /** Where the role is in the document, e.g. `owners.app-payroll.conn-okta.owner`. */
  path: string;
  /** Where its user ids are: `path`, or `path.users` in the long form. */
  usersPath: string;
}

/** One owner the document declares: its four keys and where it is in the document. */
export interface DeclaredOwner extends OwnerKey {
  /** e.g. `owners.app-payroll.conn-okta.owner[0]`. */
  path: string;
}

/** One thing wrong with the document. */
export interface DocumentProblem {
  /** Where, e.g. `owners.app-payroll.conn-okta.owner[2]`. */
  path: string;
  /** What, e.g. `userId must not contain '/' (it is one segment of the C1 API path)`. */
  message: string;
}

/** The result of checking a document: its roles when it is valid, every problem otherwise. */
export type DocumentCheck = { ok: true; roles: DeclaredRole[] } | { ok: false; problems: DocumentProblem[] };

/** The document is invalid; `problems` lists every problem found, with its path. */
export class OwnershipDocumentError extends Error {
  readonly code = "INVALID_OWNERSHIP_DOCUMENT";
  readonly problems: DocumentProblem[];

  constructor(problems: DocumentProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`the ownership document has ${count}:\n${problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}`);
    this.name = "OwnershipDocumentError";
    this.problems = problems;
  }
}

/** `path: message`, the way problems are printed. */
export function formatProblem(problem: DocumentProblem): string {
  return `${problem.path}: ${problem.message}`;
}

// A key that needs no quoting in a path: what `pulumi config set --path` reads as a plain segment.
const PLAIN_PATH_KEY = /^[A-Za-z0-9_-]+$/;

/** Appends a map key to a path: `.key`, or `["key"]` when the key has dots, spaces, quotes, .... */
function childPath(path: string, key: string): string {
  return PLAIN_PATH_KEY.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a whole ownership document and reports every problem, in the order of its keys (Pulumi
 * hands structured config over with map keys sorted). A valid document yields its roles sorted by
 * key, so the result does not depend on how the document is ordered.
 */
export function checkOwnershipDocument(document: unknown, root = OWNERSHIP_DOCUMENT_KEY): DocumentCheck {
  const problems: DocumentProblem[] = [];
  const roles: DeclaredRole[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });
  /** Checks a map key against the owner key rules; true when it is usable. */
  const checkKey = (path: string, property: keyof OwnerKey, key: string) => {
    const keyProblem = findKeyProblem(key);
    if (keyProblem) problem(path, `${property} ${keyProblem}`);
    return keyProblem === undefined;
  };

  if (document === undefined) {
    problem(root, "is required: a map of app id -> connector id -> role slug -> user ids");
    return { ok: false, problems };
  }
  if (!isMap(document)) {
    problem(root, `must be a map of app id -> connectors, got ${describeType(document)}`);
    return { ok: false, problems };
  }

  for (const [appId, connectors] of Object.entries(document)) {
    const appPath = childPath(root, appId);
    const appOk = checkKey(appPath, "appId", appId);
    if (!isMap(connectors)) {
      problem(appPath, `must be a map of connector id -> roles, got ${describeType(connectors)}`);
      continue;
    }
    for (const [connectorId, roleMap] of Object.entries(connectors)) {
      const connectorPath = childPath(appPath, connectorId);
      const connectorOk = checkKey(connectorPath, "connectorId", connectorId);
      if (!isMap(roleMap)) {
        problem(connectorPath, `must be a map of role slug -> user ids, got ${describeType(roleMap)}`);
        continue;
      }
      for (const [roleSlug, roleValue] of Object.entries(roleMap)) {
        const rolePath = childPath(connectorPath, roleSlug);
        const roleOk = checkKey(rolePath, "roleSlug", roleSlug);
        const role = readRole(rolePath, roleValue, problem);
        if (role && appOk && connectorOk && roleOk) roles.push({ appId, connectorId, roleSlug, ...role, path: rolePath });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, roles: roles.sort(compareKeys) };
}

/** Reads one role's value: a list of user ids, or `{ users: [...], exclusive?: boolean }`. */
function readRole(
  path: string,
  value: unknown,
  problem: (path: string, message: string) => void,
): { userIds: string[]; exclusive: boolean; usersPath: string } | undefined {
  if (Array.isArray(value)) {
    const userIds = readUserIds(path, value, problem);
    return userIds && { userIds, exclusive: false, usersPath: path };
  }
  if (!isMap(value)) {
    problem(path, `must be a list of user ids or a map with users (and exclusive), got ${describeType(value)}`);
    return undefined;
  }
  let ok = true;
  for (const setting of Object.keys(value)) {
    if ((ROLE_SETTINGS as readonly string[]).includes(setting)) continue;
    problem(childPath(path, setting), `is not a role setting (expected ${ROLE_SETTINGS.join(" or ")})`);
    ok = false;
  }
  let exclusive = false;
  const exclusivePath = childPath(path, "exclusive");
  if (value.exclusive !== undefined && typeof value.exclusive !== "boolean") {
    problem(exclusivePath, `must be true or false, got ${describeType(value.exclusive)}`);
    ok = false;
  } else {
    exclusive = value.exclusive === true;
  }
  const usersPath = childPath(path, "users");
  if (!Array.isArray(value.users)) {
    problem(usersPath, value.users === undefined ? "is required: a list of user ids" : `must be a list of user ids, got ${describeType(value.users)}`);
    return undefined;
  }
  const userIds = readUserIds(usersPath, value.users, problem);
  return ok && userIds ? { userIds, exclusive, usersPath } : undefined;
}

/** Checks each user id of a role and refuses one listed twice. */
function readUserIds(path: string, values: unknown[], problem: (path: string, message: string) => void): string[] | undefined {
  const firstIndex = new Map<string, number>();
  let ok = true;
  values.forEach((value, index) => {
    const itemPath = `${path}[${index}]`;
    const keyProblem = findKeyProblem(value);
    if (keyProblem) {
      problem(itemPath, `userId ${keyProblem}`);
      ok = false;
      return;
    }
    const userId = value as string;
    const first = firstIndex.get(userId);
    if (first !== undefined) {
      problem(itemPath, `userId ${userId} is already listed at ${path}[${first}]`);
      ok = false;
      return;
    }
    firstIndex.set(userId, index);
  });
  return ok ? (values as string[]) : undefined;
}

function compareKeys(a: Omit<OwnerKey, "userId"> & { userId?: string }, b: Omit<OwnerKey, "userId"> & { userId?: string }): number {
  return (
    compareText(a.appId, b.appId) ||
    compareText(a.connectorId, b.connectorId) ||
    compareText(a.roleSlug, b.roleSlug) ||
    compareText(a.userId ?? "", b.userId ?? "")
  );
}

/**
 * Reads the document and returns every owner it declares, sorted by key.
 * @throws OwnershipDocumentError listing every problem when the document is invalid.
 */
export function readOwnershipDocument(document: unknown, root = OWNERSHIP_DOCUMENT_KEY): DeclaredRole[] {
  const check = checkOwnershipDocument(document, root);
  if (!check.ok) throw new OwnershipDocumentError(check.problems);
  return check.roles;
}

/** Every owner of the given roles, one per user, sorted by key. */
export function listDeclaredOwners(roles: readonly DeclaredRole[]): DeclaredOwner[] {
  return roles
    .flatMap(({ appId, connectorId, roleSlug, userIds, usersPath }) =>
      userIds.map((userId, index) => ({ appId, connectorId, roleSlug, userId, path: `${usersPath}[${index}]` })),
    )
    .sort(compareKeys);
}

/**
 * The Pulumi resource name of an owner: its resource id, `appId/connectorId/roleSlug/userId` with
 * each key percent-encoded. It depends on the keys alone, so moving an owner around the document
 * changes nothing, and encoding keeps it unique and free of the `::` that separates URN parts.
 */
export function ownerResourceName(owner: OwnerKey): string {
  return formatOwnerId(owner);
}

/**
 * The resource name of an exclusive role's ConnectorUserOwners: `app/connector/role`, each part
 * percent-encoded like owner names, so it never collides with one.
 */
export function roleResourceName(role: Pick<DeclaredRole, "appId" | "connectorId" | "roleSlug">): string {
  return [role.appId, role.connectorId, role.roleSlug].map(encodeURIComponent).join("/");
}

/** What the stack outputs: app -> connector -> role -> the owners' emails, sorted. */
export type OwnershipSummary = Record<string, Record<string, Record<string, string[]>>>;

/**
 * Summarises owners for the stack outputs. `label` is what C1 says about the owner (its email);
 * an owner C1 has no user for is shown by its user id.
 */
export function summarizeOwnership(owners: ReadonlyArray<OwnerKey & { email?: string }>): OwnershipSummary {
  const summary: OwnershipSummary = {};
  for (const owner of [...owners].sort(compareKeys)) {
    const roles = ((summary[owner.appId] ??= {})[owner.connectorId] ??= {});
    (roles[owner.roleSlug] ??= []).push(owner.email || owner.userId);
  }
  for (const connectors of Object.values(summary)) {
    for (const roles of Object.values(connectors)) for (const emails of Object.values(roles)) emails.sort(compareText);
  }
  return summary;
}
