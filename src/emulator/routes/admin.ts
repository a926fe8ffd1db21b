/**
 * The admin API under `/_emulator/`, so another process (a demo script, a person with curl) can
 * arrange data, inject faults and read the request log. Unauthenticated by design, so it only
 * answers loopback clients; errors are `{"error": "..."}`.
 */
import type { ClientCredentials } from "../auth";
import { faultRuleFromJson, type ChaosOptions, type FaultInjector } from "../faults";
import { jsonReply, parseJsonObject, ReplyError, type Reply, type RouteContext } from "../http";
import { type RateLimiter, rateLimitFromJson } from "../rate-limit";
import type { RequestLogEntry } from "../request-log";
import type { Route, RouteTable } from "../router";
import { OWNER_KEY_FIELDS, StoreError, type EmulatorStore, type OwnerKey, type OwnerRecord } from "../store";

/**
 * What the admin routes control: the emulator (server.ts), seen from here only through this
 * interface, so that the server may mount these routes without the two importing each other.
 */
export interface AdminControls {
  readonly store: EmulatorStore;
  readonly faults: FaultInjector;
  readonly rateLimit: RateLimiter;
  readonly url: string;
  readonly requests: RequestLogEntry[];
  reset(): void;
  createClient(name?: string): ClientCredentials;
  issueAccessToken(options?: { lifetimeSeconds?: number }): string;
  issueOidcToken(clientId: string): string;
  revokeAllTokens(): void;
}

/** Every admin path starts with this. */
export const ADMIN_PREFIX = "/_emulator/";

function adminError(status: number, message: string): Reply {
  return jsonReply(status, { error: message });
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127."));
}

function ownerKeyFrom(body: Record<string, unknown>): OwnerKey {
  for (const name of OWNER_KEY_FIELDS) {
    if (typeof body[name] !== "string" || body[name] === "") throw new Error(`${name} must be a non-empty string`);
  }
  return { appId: body.appId as string, connectorId: body.connectorId as string, roleSlug: body.roleSlug as string, userId: body.userId as string };
}

/** An owner as the admin API shows it: the record without its list position. */
function withoutSeq({ seq: _seq, ...owner }: OwnerRecord): Omit<OwnerRecord, "seq"> {
  return owner;
}

function jsonCount(n: number): number | "Infinity" {
  return Number.isFinite(n) ? n : "Infinity";
}

/** An admin handler: gets the parsed JSON body on demand; throws to answer with an error. */
type AdminHandler = (body: () => Promise<Record<string, unknown>>) => Promise<Reply> | Reply;

/** Turns what an admin handler threw into the admin error shape. */
function adminErrorFor(err: unknown): Reply {
  // Body errors arrive as gRPC-shaped ReplyErrors; keep the admin error shape uniform.
  if (err instanceof ReplyError) {
    return adminError(err.reply.status, (err.reply.body as { message?: string }).message ?? "bad request");
  }
  if (err instanceof StoreError) return adminError(404, err.message);
  return adminError(400, err instanceof Error ? err.message : String(err));
}

/** The route for `method /_emulator/<name>`. */
function adminRoute(method: string, name: string, handler: AdminHandler): Route {
  return {
    method,
    path: ADMIN_PREFIX + name,
    handle: async (ctx) => {
      try {
        return await handler(async () => parseJsonObject(await ctx.readBody()));
      } catch (err) {
        return adminErrorFor(err);
      }
    },
  };
}

/** The admin routes; a function so each handler closes over the emulator. */
function adminRouteList(emulator: AdminControls): Route[] {
  return [
    adminRoute("GET", "health", () => jsonReply(200, { ok: true, url: emulator.url })),
    adminRoute("GET", "directory", () => jsonReply(200, emulator.store.directory())),
    adminRoute("POST", "users", async (body) => jsonReply(200, { user: emulator.store.addUser(await body()) })),

    adminRoute("GET", "owners", () => jsonReply(200, { owners: emulator.store.ownerRecords().map(withoutSeq) })),
    adminRoute("POST", "owners", async (body) => jsonReply(200, { owner: withoutSeq(emulator.store.addOwner(ownerKeyFrom(await body()))) })),
    adminRoute("DELETE", "owners", async (body) => jsonReply(200, { removed: emulator.store.removeOwner(ownerKeyFrom(await body())) })),

    adminRoute("GET", "requests", () => jsonReply(200, { requests: emulator.requests })),

    adminRoute("GET", "faults", () =>
      jsonReply(200, {
        rules: emulator.faults.rules().map((r) => ({
          ...r,
          path: r.path === undefined ? undefined : String(r.path),
          // JSON has no Infinity; say it in words rather than let it become null.
          times: jsonCount(r.times ?? 1),
          remaining: jsonCount(r.remaining),
        })),
        chaos: emulator.faults.chaosSettings() ?? null,
        counts: emulator.faults.counts(),
      }),
    ),
    adminRoute("POST", "faults", async (body) => jsonReply(200, { id: emulator.faults.add(faultRuleFromJson(await body())) })),
    adminRoute("DELETE", "faults", () => {
      emulator.faults.clear();
      return jsonReply(200, {});
    }),

    adminRoute("GET", "rate-limit", () => jsonReply(200, emulator.rateLimit.status())),
    adminRoute("POST", "rate-limit", async (body) => {
      emulator.rateLimit.set(rateLimitFromJson(await body()));
      return jsonReply(200, emulator.rateLimit.status());
    }),
    adminRoute("DELETE", "rate-limit", () => {
      emulator.rateLimit.set(undefined);
      return jsonReply(200, emulator.rateLimit.status());
    }),

    adminRoute("POST", "chaos", async (body) => {
      emulator.faults.chaos((await body()) as unknown as ChaosOptions);
      return jsonReply(200, { chaos: emulator.faults.chaosSettings() });
    }),
    adminRoute("DELETE", "chaos", () => {
      emulator.faults.stopChaos();
      return jsonReply(200, {});
    }),

    adminRoute("POST", "reset", () => {
      emulator.reset();
      return jsonReply(200, {});
    }),
    adminRoute("POST", "revoke-tokens", () => {
      emulator.revokeAllTokens();
      return jsonReply(200, {});
    }),

    // Throwaway local credentials, for demo scripts driving an emulator they did not start.
    adminRoute("POST", "clients", async (body) => {
      const { name } = await body();
      if (name !== undefined && (typeof name !== "string" || !/^[a-z0-9-]{1,40}$/i.test(name))) {
        throw new Error("name must be 1-40 letters, digits or dashes");
      }
      return jsonReply(200, emulator.createClient(name ?? "demo"));
    }),
    adminRoute("POST", "access-tokens", async (body) => {
      const { lifetimeSeconds } = await body();
      if (lifetimeSeconds !== undefined && typeof lifetimeSeconds !== "number") throw new Error("lifetimeSeconds must be a number");
      return jsonReply(200, { accessToken: emulator.issueAccessToken({ lifetimeSeconds }) });
    }),
    adminRoute("POST", "oidc-tokens", async (body) => {
      const { clientId } = await body();
      if (typeof clientId !== "string" || clientId === "") throw new Error("clientId must be a non-empty string");
      return jsonReply(200, { oidcToken: emulator.issueOidcToken(clientId) });
    }),
  ];
}

/** Builds the route table of the admin API, which only answers loopback clients. */
export function adminRoutes(emulator: AdminControls): RouteTable {
  return {
    routes: adminRouteList(emulator),
    guard: (ctx: RouteContext) => (isLoopback(ctx.remoteAddress) ? undefined : adminError(403, "the admin API only answers local clients")),
    notFound: (ctx) => adminError(404, `no admin route ${ctx.rawPath}`),
    methodNotAllowed: (ctx, allowed) => ({
      ...adminError(405, `${ctx.method} not allowed on ${ctx.rawPath}`),
      headers: { Allow: allowed.join(", ") },
    }),
  };
}
