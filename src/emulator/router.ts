/**
 * The emulator's one routing style: a table of `{ method, path, handle }` routes and one
 * dispatcher. Each surface (the API, the token endpoint, the admin API) is a {@link RouteTable}
 * with its own error shape for "no such path" and "no such method".
 */
import type { Reply, RouteContext } from "./http";

/** Values a path pattern captured, by parameter name; decoded, never empty. */
export type RouteParams = Readonly<Record<string, string>>;

/** One route: a method, a path pattern and the handler for requests that match both. */
export interface Route {
  /** Upper-case HTTP method. */
  method: string;
  /**
   * Path pattern, e.g. `/api/v2/apps/:appId/connectors/:connectorId/owners/users`. A `:name`
   * segment matches one non-empty decoded segment (an encoded `%2F` stays inside it); any other
   * segment must equal the decoded request segment.
   */
  path: string;
  handle: (ctx: RouteContext, params: RouteParams) => Promise<Reply> | Reply;
}

/** The routes of one surface and its answers when none fits. */
export interface RouteTable {
  routes: readonly Route[];
  /** Runs before matching (authentication, the loopback check); a reply answers the request. */
  guard?: (ctx: RouteContext) => Reply | undefined;
  /** Answer when no route has the path. */
  notFound: (ctx: RouteContext) => Reply;
  /** Answer when routes have the path but not the method; `allowed` is for the `Allow` header. */
  methodNotAllowed: (ctx: RouteContext, allowed: readonly string[]) => Reply;
}

/** Matches decoded path segments against a pattern. @returns the captured params, or undefined. */
export function matchPath(pattern: string, segments: readonly string[]): RouteParams | undefined {
  const parts = pattern.split("/").slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

/**
 * Answers a request from a table: the guard's reply if it gives one, else the first route whose
 * path and method match, else 405 (some route has the path) or 404.
 */
export async function dispatch(table: RouteTable, ctx: RouteContext): Promise<Reply> {
  const refused = table.guard?.(ctx);
  if (refused) return refused;
  const allowed: string[] = [];
  // A malformed path (no segments) matches no route.
  for (const route of table.routes) {
    const params = ctx.segments && matchPath(route.path, ctx.segments);
    if (!params) continue;
    if (route.method === ctx.method) return route.handle(ctx, params);
    allowed.push(route.method);
  }
  return allowed.length === 0 ? table.notFound(ctx) : table.methodNotAllowed(ctx, allowed);
}
