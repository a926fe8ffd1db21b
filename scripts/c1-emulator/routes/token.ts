/** The OAuth token endpoint, `POST /auth/v1/token`. */
import type { TokenAuthority } from '../auth';
import { jsonReply, type Reply, type RouteContext } from '../http';

/** Path of the token endpoint, relative to the server URL. */
export const TOKEN_PATH = '/auth/v1/token';

// RFC 6749 §5.1: token responses must not be cached.
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function oauthError(status: number, error: string, description: string): Reply {
  return jsonReply(status, { error, error_description: description }, NO_STORE);
}

/** Handles a request under `/auth/`. */
export async function handleTokenRoute(ctx: RouteContext, auth: TokenAuthority): Promise<Reply> {
  if (ctx.rawPath !== TOKEN_PATH) return oauthError(404, 'invalid_request', 'not found');
  if (ctx.method !== 'POST') return { ...oauthError(405, 'invalid_request', 'method not allowed'), headers: { ...NO_STORE, Allow: 'POST' } };
  if (!ctx.contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'content type must be application/x-www-form-urlencoded');
  }
  const result = await auth.grant(new URLSearchParams(await ctx.readBody()), ctx.host);
  if (!result.ok) return oauthError(result.status, result.error, result.description);
  return jsonReply(200, result.body, NO_STORE);
}
