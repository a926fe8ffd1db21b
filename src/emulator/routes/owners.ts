/**
 * The connector user owner API:
 * `/api/v2/apps/{app_id}/connectors/{connector_id}/owners/users[/{role_slug}/{user_ref_id}]`.
 */
import { GrpcCode, grpcError, jsonReply, parseJsonObject, type Reply, type RouteContext } from "../http";
import type { Route, RouteParams } from "../router";
import type { EmulatorStore, OwnerKey } from "../store";

/** Behaviour switches of the owner API (live: tests may change them between requests). */
export interface OwnerRouteSettings {
  /** What a POST for an existing owner does: C1's 409, or 200 with the existing record. */
  duplicateCreate: "conflict" | "ok";
  /** Role slugs answered with 400 although they are well formed (C1 publishes no list). */
  rejectedRoleSlugs: readonly string[];
  /** Largest page a list returns; larger `page_size` values are capped. */
  maxPageSize: number;
  /** Page size when `page_size` is absent or 0. */
  defaultPageSize: number;
}

/** The list route: a connector's owners. */
const OWNERS_PATH = "/api/v2/apps/:appId/connectors/:connectorId/owners/users";
/** The item route: one owner. */
const OWNER_PATH = `${OWNERS_PATH}/:roleSlug/:userId`;

const ROLE_SLUG = /^[a-z0-9][a-z0-9_.-]{0,62}$/i;

function invalidRoleSlug(roleSlug: string, settings: OwnerRouteSettings): boolean {
  return !ROLE_SLUG.test(roleSlug) || settings.rejectedRoleSlugs.includes(roleSlug);
}

function encodePageToken(afterSeq: number): string {
  return Buffer.from(`after:${afterSeq}`).toString("base64url");
}

function decodePageToken(token: string): number | undefined {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/**
 * Argument checks every owner route makes first, as a gRPC service validates before it looks
 * anything up: the role slug (when there is one), then the app, then the connector.
 */
function rejectScope(store: EmulatorStore, settings: OwnerRouteSettings, appId: string, connectorId: string, roleSlug: string | undefined): Reply | undefined {
  if (roleSlug !== undefined && roleSlug !== "" && invalidRoleSlug(roleSlug, settings)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, "invalid role slug");
  }
  if (!store.hasApp(appId)) return grpcError(404, GrpcCode.NOT_FOUND, `app not found: ${appId}`);
  if (!store.hasConnector(appId, connectorId)) return grpcError(404, GrpcCode.NOT_FOUND, `connector not found: ${connectorId}`);
  return undefined;
}

/** A body `userRef.id` must agree with the path's user id (C1 takes the path as the source of truth). */
function userRefMismatch(body: Record<string, unknown>, pathUserId: string): Reply | undefined {
  const userRef = body.userRef;
  if (userRef === undefined || userRef === null) return undefined;
  if (typeof userRef !== "object" || Array.isArray(userRef)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, "userRef must be an object");
  }
  const id = (userRef as { id?: unknown }).id;
  if (id === undefined || id === null || id === "") return undefined;
  if (id !== pathUserId) return grpcError(400, GrpcCode.INVALID_ARGUMENT, "userRef.id does not match user_ref_id in the path");
  return undefined;
}

function listOwners(ctx: RouteContext, params: RouteParams, store: EmulatorStore, settings: OwnerRouteSettings): Reply {
  const { appId, connectorId } = params;
  const roleSlug = ctx.query.get("role_slug") || undefined;
  const rejected = rejectScope(store, settings, appId, connectorId, roleSlug);
  if (rejected) return rejected;

  const pageSizeParam = ctx.query.get("page_size") ?? "";
  if (pageSizeParam !== "" && !/^\d+$/.test(pageSizeParam)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, "invalid page_size");
  }
  const requested = pageSizeParam === "" ? 0 : Number(pageSizeParam);
  const pageSize = Math.min(requested === 0 ? settings.defaultPageSize : requested, settings.maxPageSize);

  const pageToken = ctx.query.get("page_token") ?? "";
  let afterSeq = 0;
  if (pageToken !== "") {
    const decoded = decodePageToken(pageToken);
    if (decoded === undefined) return grpcError(400, GrpcCode.INVALID_ARGUMENT, "invalid page_token");
    afterSeq = decoded;
  }

  // Paging by position in creation order keeps pages stable when owners come and go between calls.
  const remaining = store.ownerRecords({ appId, connectorId, roleSlug }).filter((r) => r.seq > afterSeq);
  const page = remaining.slice(0, pageSize);
  const last = page[page.length - 1];
  const nextPageToken = remaining.length > page.length && last ? encodePageToken(last.seq) : "";
  return jsonReply(200, { list: page.map((r) => store.toConnectorOwnerUser(r)), nextPageToken });
}

function getOwner(store: EmulatorStore, key: OwnerKey): Reply {
  const record = store.getOwner(key);
  if (!record) return grpcError(404, GrpcCode.NOT_FOUND, "owner not found");
  return jsonReply(200, { connectorOwnerUser: store.toConnectorOwnerUser(record) });
}

async function createOwner(ctx: RouteContext, store: EmulatorStore, settings: OwnerRouteSettings, key: OwnerKey): Promise<Reply> {
  const mismatch = userRefMismatch(parseJsonObject(await ctx.readBody()), key.userId);
  if (mismatch) return mismatch;
  if (!store.getUser(key.userId)) return grpcError(404, GrpcCode.NOT_FOUND, `user not found: ${key.userId}`);
  const existing = store.getOwner(key);
  if (existing && settings.duplicateCreate === "conflict") {
    return grpcError(409, GrpcCode.ALREADY_EXISTS, "owner already exists");
  }
  // Through the store's own addOwner, which tests may wrap to act on each create.
  const record = existing ?? store.addOwner(key);
  return jsonReply(200, { connectorOwnerUser: store.toConnectorOwnerUser(record) });
}

async function deleteOwner(ctx: RouteContext, store: EmulatorStore, key: OwnerKey): Promise<Reply> {
  const mismatch = userRefMismatch(parseJsonObject(await ctx.readBody()), key.userId);
  if (mismatch) return mismatch;
  if (!store.removeOwner(key)) return grpcError(404, GrpcCode.NOT_FOUND, "owner not found");
  return jsonReply(200, {});
}

/** Builds the owner routes; the handlers read `settings` on every request. */
export function ownerRoutes(store: EmulatorStore, settings: OwnerRouteSettings): Route[] {
  /** An item route handler, after the argument checks, with the owner key from the path. */
  const item =
    (handle: (ctx: RouteContext, key: OwnerKey) => Promise<Reply> | Reply) =>
    (ctx: RouteContext, params: RouteParams): Promise<Reply> | Reply => {
      const key: OwnerKey = { appId: params.appId, connectorId: params.connectorId, roleSlug: params.roleSlug, userId: params.userId };
      return rejectScope(store, settings, key.appId, key.connectorId, key.roleSlug) ?? handle(ctx, key);
    };
  return [
    { method: "GET", path: OWNERS_PATH, handle: (ctx, params) => listOwners(ctx, params, store, settings) },
    { method: "GET", path: OWNER_PATH, handle: item((_ctx, key) => getOwner(store, key)) },
    { method: "POST", path: OWNER_PATH, handle: item((ctx, key) => createOwner(ctx, store, settings, key)) },
    { method: "DELETE", path: OWNER_PATH, handle: item((ctx, key) => deleteOwner(ctx, store, key)) },
  ];
}
