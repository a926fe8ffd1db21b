/**
 * C1's users endpoints, which a client reads to know who is being made an owner:
 * `GET /api/v1/users/{user_id}` and `POST /api/v1/search/users`, answered from the store's directory.
 */
import { GrpcCode, grpcError, jsonReply, parseJsonObject, ReplyError, type Reply, type RouteContext } from "../http";
import type { Route, RouteParams } from "../router";
import type { EmulatorStore, User, UserStatus } from "../store";

/** The item route: one user. */
const USER_PATH = "/api/v1/users/:userId";
/** The search route. */
const SEARCH_PATH = "/api/v1/search/users";

/** Whether a request path is one of the users endpoints: how a test or benchmark counts user lookups in the log. */
export function isUsersPath(path: string): boolean {
  return path.startsWith(USER_PATH.slice(0, USER_PATH.indexOf(":"))) || path === SEARCH_PATH;
}

/** Page size of a search that names none (or 0). */
const DEFAULT_PAGE_SIZE = 25;
/** Largest page a search returns; larger `pageSize` values are capped. */
const MAX_PAGE_SIZE = 100;

const USER_STATUSES: readonly UserStatus[] = ["UNKNOWN", "ENABLED", "DISABLED", "DELETED"];

/**
 * Filters C1 documents that the emulator does not implement. A search naming one is refused
 * rather than answered without it, which would return users the caller filtered out.
 */
const UNIMPLEMENTED_FILTERS = ["ids", "email", "query", "excludeIds"] as const;

/** A page token names the last id of the page before; prefixed so an owner list token is refused. */
const PAGE_TOKEN_PREFIX = "after-user:";

/** What a search body asks for, once checked. */
interface UserSearch {
  /** Only these ids; undefined for no restriction. */
  ids: ReadonlySet<string> | undefined;
  /** Only these statuses; undefined for any. */
  statuses: ReadonlySet<UserStatus> | undefined;
  pageSize: number;
  /** Only ids after this one; undefined for the first page. */
  afterId: string | undefined;
}

function encodePageToken(afterId: string): string {
  return Buffer.from(PAGE_TOKEN_PREFIX + afterId).toString("base64url");
}

function decodePageToken(token: string): string | undefined {
  const text = Buffer.from(token, "base64url").toString("utf8");
  return text.startsWith(PAGE_TOKEN_PREFIX) ? text.slice(PAGE_TOKEN_PREFIX.length) : undefined;
}

function invalidArgument(message: string): ReplyError {
  return new ReplyError(grpcError(400, GrpcCode.INVALID_ARGUMENT, message));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A repeated field: absent and null read as empty, as protojson reads them. */
function listField(body: Record<string, unknown>, name: string): unknown[] {
  const value = body[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidArgument(`${name} must be a list`);
  return value;
}

function refIds(body: Record<string, unknown>): string[] {
  return listField(body, "refs").map((ref, i) => {
    if (!isObject(ref) || typeof ref.id !== "string") throw invalidArgument(`refs[${i}] must be {"id": string}`);
    return ref.id;
  });
}

function userStatuses(body: Record<string, unknown>): UserStatus[] {
  return listField(body, "userStatuses").map((status, i) => {
    if (!USER_STATUSES.includes(status as UserStatus)) throw invalidArgument(`userStatuses[${i}] must be one of ${USER_STATUSES.join(", ")}`);
    return status as UserStatus;
  });
}

function pageSizeOf(body: Record<string, unknown>): number {
  const value = body.pageSize ?? 0;
  // protojson takes an int32 as a number or as a decimal string.
  const requested = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof requested !== "number" || !Number.isInteger(requested) || requested < 0) {
    throw invalidArgument("pageSize must be a non-negative integer");
  }
  return Math.min(requested === 0 ? DEFAULT_PAGE_SIZE : requested, MAX_PAGE_SIZE);
}

function afterIdOf(body: Record<string, unknown>): string | undefined {
  const token = body.pageToken ?? "";
  if (typeof token !== "string") throw invalidArgument("pageToken must be a string");
  if (token === "") return undefined;
  const afterId = decodePageToken(token);
  if (afterId === undefined) throw invalidArgument("invalid pageToken");
  return afterId;
}

/** Checks a search body. @throws ReplyError 400 naming the bad field, or 501 for a filter the emulator lacks. */
function userSearchFrom(body: Record<string, unknown>): UserSearch {
  for (const name of UNIMPLEMENTED_FILTERS) {
    const value = body[name];
    if (value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0)) {
      throw new ReplyError(grpcError(501, GrpcCode.UNIMPLEMENTED, `the emulator does not implement the ${name} filter`));
    }
  }
  const ids = refIds(body);
  const statuses = userStatuses(body);
  // An empty list is no restriction: proto3 cannot tell an empty repeated field from an absent one.
  return {
    ids: ids.length === 0 ? undefined : new Set(ids),
    statuses: statuses.length === 0 ? undefined : new Set(statuses),
    pageSize: pageSizeOf(body),
    afterId: afterIdOf(body),
  };
}

/** True when the search takes the user and it comes after the page token. */
function inSearch(user: User, search: UserSearch): boolean {
  if (search.ids && !search.ids.has(user.id)) return false;
  if (search.statuses && !search.statuses.has(user.status)) return false;
  return search.afterId === undefined || user.id > search.afterId;
}

function byId(a: User, b: User): number {
  // Code-unit order, not localeCompare: the order page tokens rely on must not depend on the locale.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

async function searchUsers(ctx: RouteContext, store: EmulatorStore): Promise<Reply> {
  const search = userSearchFrom(parseJsonObject(await ctx.readBody()));
  // Paging by id, not by position, keeps pages stable when users come and go between calls.
  const remaining = store
    .directory()
    .users.filter((user) => inSearch(user, search))
    .sort(byId);
  const page = remaining.slice(0, search.pageSize);
  const last = page[page.length - 1];
  const nextPageToken = remaining.length > page.length && last ? encodePageToken(last.id) : "";
  return jsonReply(200, { list: page.map((user) => ({ user })), nextPageToken, expanded: [] });
}

function getUser(params: RouteParams, store: EmulatorStore): Reply {
  // Any status, DELETED included: C1 still answers a deleted user's record.
  const user = store.getUser(params.userId);
  if (!user) return grpcError(404, GrpcCode.NOT_FOUND, `user not found: ${params.userId}`);
  return jsonReply(200, { userView: { user }, expanded: [] });
}

/** Builds the users routes. */
export function userRoutes(store: EmulatorStore): Route[] {
  return [
    { method: "GET", path: USER_PATH, handle: (_ctx, params) => getUser(params, store) },
    { method: "POST", path: SEARCH_PATH, handle: (ctx) => searchUsers(ctx, store) },
  ];
}
