/**
 * The C1 API as its gateway serves it: every path under `/api/` needs a valid bearer token and a
 * well-formed path before any route is looked at; then the connector user owner routes and the
 * users routes. Errors are gRPC-gateway bodies. Paths outside `/api/` (and, with the admin API
 * off, `/_emulator/`) land here too and are simply not found.
 */
import type { TokenAuthority } from "../auth";
import { GrpcCode, grpcError, type Reply, type RouteContext } from "../http";
import type { RouteTable } from "../router";
import type { EmulatorStore } from "../store";
import { ownerRoutes, type OwnerRouteSettings } from "./owners";
import { userRoutes } from "./users";

const BEARER = /^Bearer +(\S+) *$/i;

/** Authentication comes before routing, as at C1's gateway. */
function gatewayCheck(ctx: RouteContext, auth: TokenAuthority): Reply | undefined {
  if (!ctx.rawPath.startsWith("/api/")) return undefined;
  const token = BEARER.exec(ctx.authorization ?? "")?.[1];
  if (!token || !auth.isValidAccessToken(token)) return grpcError(401, GrpcCode.UNAUTHENTICATED, "unauthenticated");
  if (!ctx.segments) return grpcError(400, GrpcCode.INVALID_ARGUMENT, "malformed path");
  return undefined;
}

/** Builds the route table of the API; `settings` is read on every request. */
export function apiRoutes(auth: TokenAuthority, store: EmulatorStore, settings: OwnerRouteSettings): RouteTable {
  return {
    routes: [...ownerRoutes(store, settings), ...userRoutes(store)],
    guard: (ctx) => gatewayCheck(ctx, auth),
    notFound: () => grpcError(404, GrpcCode.NOT_FOUND, "Not Found"),
    methodNotAllowed: (_ctx, allowed) => ({
      ...grpcError(405, GrpcCode.UNIMPLEMENTED, "Method Not Allowed"),
      headers: { Allow: allowed.join(", ") },
    }),
  };
}
