/**
 * The admin API under `/_emulator/`, so another process (a demo script, a person with curl) can
 * arrange data, inject faults and read the request log. Unauthenticated by design, so it only
 * answers loopback clients; errors are `{"error": "..."}`.
 */
import { faultRuleFromJson, type ChaosOptions } from '../faults';
import { jsonReply, parseJsonObject, ReplyError, type Reply, type RouteContext } from '../http';
import { StoreError, type OwnerKey } from '../store';
import type { C1Emulator } from '../server';

/** Every admin path starts with this. */
export const ADMIN_PREFIX = '/_emulator/';

function adminError(status: number, message: string): Reply {
  return jsonReply(status, { error: message });
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

function ownerKeyFrom(body: Record<string, unknown>): OwnerKey {
  const names = ['appId', 'connectorId', 'roleSlug', 'userId'] as const;
  for (const name of names) {
    if (typeof body[name] !== 'string' || body[name] === '') throw new Error(`${name} must be a non-empty string`);
  }
  return { appId: body.appId as string, connectorId: body.connectorId as string, roleSlug: body.roleSlug as string, userId: body.userId as string };
}

function jsonCount(n: number): number | 'Infinity' {
  return Number.isFinite(n) ? n : 'Infinity';
}

type AdminHandler = (body: () => Promise<Record<string, unknown>>) => Promise<Reply> | Reply;

/** Builds the route table; a function so each handler closes over the emulator. */
function adminRoutes(emulator: C1Emulator): Record<string, Record<string, AdminHandler>> {
  return {
    health: { GET: () => jsonReply(200, { ok: true, url: emulator.url }) },
    directory: { GET: () => jsonReply(200, emulator.store.directory()) },
    users: {
      POST: async (body) => jsonReply(200, { user: emulator.store.addUser(await body()) }),
    },
    owners: {
      GET: () => jsonReply(200, { owners: emulator.store.ownerRecords().map(({ seq: _seq, ...owner }) => owner) }),
      POST: async (body) => {
        const { appId, connectorId, roleSlug, userId } = ownerKeyFrom(await body());
        const { seq: _seq, ...owner } = emulator.store.addOwner(appId, connectorId, roleSlug, userId);
        return jsonReply(200, { owner });
      },
      DELETE: async (body) => {
        const { appId, connectorId, roleSlug, userId } = ownerKeyFrom(await body());
        return jsonReply(200, { removed: emulator.store.removeOwner(appId, connectorId, roleSlug, userId) });
      },
    },
    requests: { GET: () => jsonReply(200, { requests: emulator.requests }) },
    faults: {
      GET: () =>
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
      POST: async (body) => jsonReply(200, { id: emulator.faults.add(faultRuleFromJson(await body())) }),
      DELETE: () => {
        emulator.faults.clear();
        return jsonReply(200, {});
      },
    },
    chaos: {
      POST: async (body) => {
        emulator.faults.chaos((await body()) as unknown as ChaosOptions);
        return jsonReply(200, { chaos: emulator.faults.chaosSettings() });
      },
      DELETE: () => {
        emulator.faults.stopChaos();
        return jsonReply(200, {});
      },
    },
    reset: {
      POST: () => {
        emulator.reset();
        return jsonReply(200, {});
      },
    },
    'revoke-tokens': {
      POST: () => {
        emulator.revokeAllTokens();
        return jsonReply(200, {});
      },
    },
    // Throwaway local credentials, for demo scripts driving an emulator they did not start.
    clients: {
      POST: async (body) => {
        const { name } = await body();
        if (name !== undefined && (typeof name !== 'string' || !/^[a-z0-9-]{1,40}$/i.test(name))) {
          throw new Error('name must be 1-40 letters, digits or dashes');
        }
        return jsonReply(200, emulator.createClient(name ?? 'demo'));
      },
    },
    'access-tokens': {
      POST: async (body) => {
        const { lifetimeSeconds } = await body();
        if (lifetimeSeconds !== undefined && typeof lifetimeSeconds !== 'number') throw new Error('lifetimeSeconds must be a number');
        return jsonReply(200, { accessToken: emulator.issueAccessToken({ lifetimeSeconds }) });
      },
    },
    'oidc-tokens': {
      POST: async (body) => {
        const { clientId } = await body();
        if (typeof clientId !== 'string' || clientId === '') throw new Error('clientId must be a non-empty string');
        return jsonReply(200, { oidcToken: emulator.issueOidcToken(clientId) });
      },
    },
  };
}

/** Handles a request under `/_emulator/`. */
export async function handleAdminRoute(ctx: RouteContext, emulator: C1Emulator): Promise<Reply> {
  if (!isLoopback(ctx.remoteAddress)) return adminError(403, 'the admin API only answers local clients');
  const name = ctx.rawPath.slice(ADMIN_PREFIX.length);
  const routes = adminRoutes(emulator);
  const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
  if (!route) return adminError(404, `no admin route ${ctx.rawPath}`);
  const handler = Object.hasOwn(route, ctx.method) ? route[ctx.method] : undefined;
  if (!handler) return { ...adminError(405, `${ctx.method} not allowed on ${ctx.rawPath}`), headers: { Allow: Object.keys(route).join(', ') } };
  try {
    return await handler(async () => parseJsonObject(await ctx.readBody()));
  } catch (err) {
    // Body errors arrive as gRPC-shaped ReplyErrors; keep the admin error shape uniform.
    if (err instanceof ReplyError) {
      return adminError(err.reply.status, (err.reply.body as { message?: string }).message ?? 'bad request');
    }
    if (err instanceof StoreError) return adminError(404, err.message);
    return adminError(400, err instanceof Error ? err.message : String(err));
  }
}
