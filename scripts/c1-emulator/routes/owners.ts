/**
 * The connector user owner API:
 * `/api/v2/apps/{app_id}/connectors/{connector_id}/owners/users[/{role_slug}/{user_ref_id}]`.
 */
import { GrpcCode, grpcError, jsonReply, parseJsonObject, type Reply, type RouteContext } from '../http';
import type { EmulatorStore } from '../store';

/** Behaviour switches of the owner API (live: tests may change them between requests). */
export interface OwnerRouteSettings {
  /** What a POST for an existing owner does: C1's 409, or 200 with the existing record. */
  duplicateCreate: 'conflict' | 'ok';
  /** Role slugs answered with 400 although they are well formed (C1 publishes no list). */
  rejectedRoleSlugs: readonly string[];
  /** Largest page a list returns; larger `page_size` values are capped. */
  maxPageSize: number;
  /** Page size when `page_size` is absent or 0. */
  defaultPageSize: number;
}

const ROLE_SLUG = /^[a-z0-9][a-z0-9_.-]{0,62}$/i;

interface OwnerPath {
  appId: string;
  connectorId: string;
  /** Present for the item route, absent for the list route. */
  roleSlug?: string;
  userId?: string;
}

/** Matches the decoded segments against the owner routes; undefined when they are not one. */
export function matchOwnerPath(segments: readonly string[]): OwnerPath | undefined {
  const [api, v2, apps, appId, connectors, connectorId, owners, users, roleSlug, userId, ...rest] = segments;
  if (api !== 'api' || v2 !== 'v2' || apps !== 'apps' || connectors !== 'connectors' || owners !== 'owners' || users !== 'users') {
    return undefined;
  }
  if (!appId || !connectorId || rest.length > 0) return undefined;
  if (roleSlug === undefined && userId === undefined) return { appId, connectorId };
  if (!roleSlug || !userId) return undefined;
  return { appId, connectorId, roleSlug, userId };
}

function invalidRoleSlug(roleSlug: string, settings: OwnerRouteSettings): boolean {
  return !ROLE_SLUG.test(roleSlug) || settings.rejectedRoleSlugs.includes(roleSlug);
}

function encodePageToken(afterSeq: number): string {
  return Buffer.from(`after:${afterSeq}`).toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  const match = /^after:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Handles an owner route, or returns undefined when the path is not one. */
export async function handleOwnerRoute(
  ctx: RouteContext,
  store: EmulatorStore,
  settings: OwnerRouteSettings,
): Promise<Reply | undefined> {
  const path = ctx.segments && matchOwnerPath(ctx.segments);
  if (!path) return undefined;
  const isItem = path.roleSlug !== undefined;
  const allowed = isItem ? ['GET', 'POST', 'DELETE'] : ['GET'];
  if (!allowed.includes(ctx.method)) {
    return { ...grpcError(405, GrpcCode.UNIMPLEMENTED, 'Method Not Allowed'), headers: { Allow: allowed.join(', ') } };
  }

  // Argument validation comes before lookups, as in a gRPC service.
  const roleSlug = path.roleSlug ?? ctx.query.get('role_slug') ?? undefined;
  if (roleSlug !== undefined && roleSlug !== '' && invalidRoleSlug(roleSlug, settings)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, 'invalid role slug');
  }
  if (!store.hasApp(path.appId)) return grpcError(404, GrpcCode.NOT_FOUND, `app not found: ${path.appId}`);
  if (!store.hasConnector(path.appId, path.connectorId)) {
    return grpcError(404, GrpcCode.NOT_FOUND, `connector not found: ${path.connectorId}`);
  }

  if (!isItem) return listOwners(ctx, store, settings, path.appId, path.connectorId, roleSlug || undefined);
  const key = { appId: path.appId, connectorId: path.connectorId, roleSlug: path.roleSlug!, userId: path.userId! };

  if (ctx.method === 'GET') {
    const record = store.getOwner(key.appId, key.connectorId, key.roleSlug, key.userId);
    if (!record) return grpcError(404, GrpcCode.NOT_FOUND, 'owner not found');
    return jsonReply(200, { connectorOwnerUser: store.toConnectorOwnerUser(record) });
  }

  const mismatch = userRefMismatch(parseJsonObject(await ctx.readBody()), key.userId);
  if (mismatch) return mismatch;

  if (ctx.method === 'DELETE') {
    if (!store.removeOwner(key.appId, key.connectorId, key.roleSlug, key.userId)) {
      return grpcError(404, GrpcCode.NOT_FOUND, 'owner not found');
    }
    return jsonReply(200, {});
  }

  // POST
  if (!store.getUser(key.userId)) return grpcError(404, GrpcCode.NOT_FOUND, `user not found: ${key.userId}`);
  const existing = store.getOwner(key.appId, key.connectorId, key.roleSlug, key.userId);
  if (existing && settings.duplicateCreate === 'conflict') {
    return grpcError(409, GrpcCode.ALREADY_EXISTS, 'owner already exists');
  }
  const record = existing ?? store.addOwner(key.appId, key.connectorId, key.roleSlug, key.userId);
  return jsonReply(200, { connectorOwnerUser: store.toConnectorOwnerUser(record) });
}

/** A body `userRef.id` must agree with the path's user id (C1 takes the path as the source of truth). */
function userRefMismatch(body: Record<string, unknown>, pathUserId: string): Reply | undefined {
  const userRef = body.userRef;
  if (userRef === undefined || userRef === null) return undefined;
  if (typeof userRef !== 'object' || Array.isArray(userRef)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, 'userRef must be an object');
  }
  const id = (userRef as { id?: unknown }).id;
  if (id === undefined || id === null || id === '') return undefined;
  if (id !== pathUserId) return grpcError(400, GrpcCode.INVALID_ARGUMENT, 'userRef.id does not match user_ref_id in the path');
  return undefined;
}

function listOwners(
  ctx: RouteContext,
  store: EmulatorStore,
  settings: OwnerRouteSettings,
  appId: string,
  connectorId: string,
  roleSlug: string | undefined,
): Reply {
  const pageSizeParam = ctx.query.get('page_size') ?? '';
  if (pageSizeParam !== '' && !/^\d+$/.test(pageSizeParam)) {
    return grpcError(400, GrpcCode.INVALID_ARGUMENT, 'invalid page_size');
  }
  const requested = pageSizeParam === '' ? 0 : Number(pageSizeParam);
  const pageSize = Math.min(requested === 0 ? settings.defaultPageSize : requested, settings.maxPageSize);

  const pageToken = ctx.query.get('page_token') ?? '';
  let afterSeq = 0;
  if (pageToken !== '') {
    const decoded = decodePageToken(pageToken);
    if (decoded === undefined) return grpcError(400, GrpcCode.INVALID_ARGUMENT, 'invalid page_token');
    afterSeq = decoded;
  }

  // Paging by position in creation order keeps pages stable when owners come and go between calls.
  const remaining = store.ownerRecords({ appId, connectorId, roleSlug }).filter((r) => r.seq > afterSeq);
  const page = remaining.slice(0, pageSize);
  const last = page[page.length - 1];
  const nextPageToken = remaining.length > page.length && last ? encodePageToken(last.seq) : '';
  return jsonReply(200, { list: page.map((r) => store.toConnectorOwnerUser(r)), nextPageToken });
}
