import type { C1Client, JsonObject } from "./client";
import type { OwnerKey, OwnerRole } from "../model/owner-key";
import { findKeyProblem } from "../model/validation";
import { type C1ApiError, C1Error, C1InvalidResponseError, isC1ApiError } from "../errors";

/** gRPC status codes C1 puts in error bodies. */
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

function ownersPath(role: Omit<OwnerRole, "roleSlug">): string {
  return `/api/v2/apps/${encodeURIComponent(role.appId)}/connectors/${encodeURIComponent(role.connectorId)}/owners/users`;
}

/** The API path of one user owner; every segment percent-encoded. */
export function ownerPath(key: OwnerKey): string {
  return `${ownersPath(key)}/${encodeURIComponent(key.roleSlug)}/${encodeURIComponent(key.userId)}`;
}

/** True for C1's "no such thing" answer. */
export function isNotFound(error: unknown): error is C1ApiError {
  return isC1ApiError(error) && (error.status === 404 || error.apiCode === GRPC_NOT_FOUND);
}

/** True for C1's "already exists" answer (HTTP 409 or gRPC ALREADY_EXISTS). */
export function isAlreadyExists(error: unknown): error is C1ApiError {
  return isC1ApiError(error) && (error.status === 409 || error.apiCode === GRPC_ALREADY_EXISTS);
}

function connectorOwnerUserOf(body: JsonObject, method: string, path: string): JsonObject {
  const owner = body.connectorOwnerUser;
  if (owner === null || typeof owner !== "object" || Array.isArray(owner)) {
    throw new C1InvalidResponseError({ method, path }, 200, "the body has no connectorOwnerUser object");
  }
  return owner as JsonObject;
}

/** Reads one user owner; undefined when C1 says it does not exist (404). */
export async function getUserOwner(client: C1Client, key: OwnerKey): Promise<JsonObject | undefined> {
  const path = ownerPath(key);
  try {
    return connectorOwnerUserOf(await client.call("GET", path), "GET", path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The owner C1 holds after a create, and whether it was already there. */
export interface CreateOwnerResult {
  owner: JsonObject;
  /** True when C1 already had this owner (created outside Pulumi, or by an earlier attempt). */
  adopted: boolean;
}

/**
 * Makes the user an owner. When C1 answers that the owner already exists, the existing owner
 * is read back and adopted: this also makes a POST retried after a lost answer safe.
 */
export async function createUserOwner(client: C1Client, key: OwnerKey): Promise<CreateOwnerResult> {
  const path = ownerPath(key);
  try {
    const body = await client.call("POST", path, { userRef: { id: key.userId } });
    return { owner: connectorOwnerUserOf(body, "POST", path), adopted: false };
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await getUserOwner(client, key);
    if (!existing) {
      throw new C1Error("C1_API_ERROR", `${error.message}, yet GET ${path} finds no such owner; try again`);
    }
    return { owner: existing, adopted: true };
  }
}

/** Removes the user as an owner. Returns false when C1 says it was already gone (404), which is fine. */
export async function deleteUserOwner(client: C1Client, key: OwnerKey): Promise<boolean> {
  try {
    await client.call("DELETE", ownerPath(key), { userRef: { id: key.userId } });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** The user id of a listed ConnectorOwnerUser, if it names one. */
export function userIdOfOwner(owner: JsonObject): string | undefined {
  const user = owner.user as { id?: unknown } | null | undefined;
  return typeof user?.id === "string" && user.id !== "" ? user.id : undefined;
}

// Bounds on one listing, against a server that keeps handing out page tokens or owners. A
// connector's biggest roles hold thousands of owners: 100 per page, that is tens of pages, and
// still a few hundred if C1 clamps page_size to its documented minimum of 10.
export const MAX_LIST_PAGES = 1_000;
export const MAX_LISTED_OWNERS = 100_000;

/**
 * Refuses a listed owner whose user id or role slug could not be a key of this provider: such a
 * value would go into an API path (an id of `..` climbs out of it, encodeURIComponent keeps
 * dots) or be printed, so it must meet the rules `check` applies to the program's own keys.
 */
function assertSafeListedOwner(owner: JsonObject, path: string): void {
  const fields: Array<[name: string, value: unknown]> = [
    ["user id", (owner.user as { id?: unknown } | null | undefined)?.id],
    ["roleSlug", owner.roleSlug],
  ];
  for (const [name, value] of fields) {
    if (typeof value !== "string" || value === "") continue;
    const problem = findKeyProblem(value);
    if (problem) throw new C1InvalidResponseError({ method: "GET", path }, 200, `an owner's ${name} ${JSON.stringify(value)} ${problem}`);
  }
}

/**
 * Lists every user owner of a connector role (of every role when `roleSlug` is ""), following
 * `nextPageToken` through all pages. Throws C1InvalidResponseError for a listed owner with an
 * unsafe user id or role slug, and past MAX_LIST_PAGES pages or MAX_LISTED_OWNERS owners.
 */
export async function listUserOwners(client: C1Client, role: OwnerRole, pageSize = 100): Promise<JsonObject[]> {
  const owners: JsonObject[] = [];
  const seenTokens = new Set<string>();
  let pageToken = "";
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    // An empty roleSlug lists every role: the filter is then left out, as the API documents it optional.
    const query = new URLSearchParams(role.roleSlug === "" ? { page_size: String(pageSize) } : { role_slug: role.roleSlug, page_size: String(pageSize) });
    if (pageToken !== "") query.set("page_token", pageToken);
    const path = `${ownersPath(role)}?${query.toString()}`;
    const body = await client.call("GET", path);
    const list = body.list ?? [];
    if (!Array.isArray(list)) throw new C1InvalidResponseError({ method: "GET", path }, 200, "list is not an array");
    for (const item of list) {
      if (item === null || typeof item !== "object") continue;
      assertSafeListedOwner(item as JsonObject, path);
      owners.push(item as JsonObject);
    }
    if (owners.length > MAX_LISTED_OWNERS) {
      throw new C1InvalidResponseError({ method: "GET", path }, 200, `more than ${MAX_LISTED_OWNERS} owners listed`);
    }
    const next = typeof body.nextPageToken === "string" ? body.nextPageToken : "";
    if (next === "") return owners;
    if (seenTokens.has(next)) {
      throw new C1InvalidResponseError({ method: "GET", path }, 200, "nextPageToken repeats an earlier page");
    }
    seenTokens.add(next);
    pageToken = next;
  }
  throw new C1InvalidResponseError(
    { method: "GET", path: ownersPath(role) },
    200,
    `more than ${MAX_LIST_PAGES} pages (page_size ${pageSize}): C1 kept returning a nextPageToken`,
  );
}
