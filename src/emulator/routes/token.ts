/** The OAuth token endpoint, `POST /auth/v1/token`: the route table for everything under `/auth/`. */
import type { TokenAuthority } from "../auth";
import { jsonReply, type Reply, type RouteContext } from "../http";
import type { RouteTable } from "../router";

/** Path of the token endpoint, relative to the server URL. */
export const TOKEN_PATH = "/auth/v1/token";

// RFC 6749 §5.1: token responses must not be cached.
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" };

function oauthError(status: number, error: string, description: string): Reply {
  return jsonReply(status, { error, error_description: description }, NO_STORE);
}

async function grantToken(ctx: RouteContext, auth: TokenAuthority): Promise<Reply> {
  if (!ctx.contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "content type must be application/x-www-form-urlencoded");
  }
  const result = await auth.grant(new URLSearchParams(await ctx.readBody()), ctx.host);
  if (!result.ok) return oauthError(result.status, result.error, result.description);
  return jsonReply(200, result.body, NO_STORE);
}

/** Builds the route table of the token endpoint; errors are OAuth error bodies. */
export function tokenRoutes(auth: TokenAuthority): RouteTable {
  return {
    routes: [{ method: "POST", path: TOKEN_PATH, handle: (ctx) => grantToken(ctx, auth) }],
    notFound: () => oauthError(404, "invalid_request", "not found"),
    methodNotAllowed: (_ctx, allowed) => ({
      ...oauthError(405, "invalid_request", "method not allowed"),
      headers: { ...NO_STORE, Allow: allowed.join(", ") },
    }),
  };
}
