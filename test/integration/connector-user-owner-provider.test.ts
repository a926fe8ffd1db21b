import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { C1ApiError, C1AuthError, C1InvalidResponseError, ConnectorUserOwnerProvider } from "../../src/provider";
import {
  caught,
  clientCredentialsConfig,
  configuredProvider,
  emulatorServerConfig,
  emulatorServerEnv,
  expectNoCredentialIn,
  startTestEmulator,
} from "../support/provider-fixture";
import { successfulPostsPerOwner } from "../support/owner-posts";

const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const ownerPathPattern = /\/owners\/users\//;

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;
let provider: ConnectorUserOwnerProvider;

/** What `fn` threw, checked at once against the credentials of the emulator that answered it. */
async function expectError(fn: () => Promise<unknown>, from: C1Emulator = emulator): Promise<Error> {
  const error = await caught(fn);
  expectNoCredentialIn(error, from);
  return error;
}

function apiRequests(method?: string, from: C1Emulator = emulator) {
  return from.requests.filter((entry) => entry.kind === "api" && (method === undefined || entry.method === method));
}

function tokenRequests(from: C1Emulator = emulator) {
  return from.requests.filter((entry) => entry.kind === "token");
}

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  emulator.reset();
  ({ clientId, clientSecret } = emulator.createClient("tests"));
  provider = await configuredProvider(clientCredentialsConfig(emulator, clientId, clientSecret));
});

afterEach(() => {
  emulator.faults.clear();
});

describe("create", () => {
  it("POSTs the owner with a userRef body and returns its id and outputs", async () => {
    const result = await provider.create(owner);
    expect(result.id).toBe("app-payroll/conn-okta/owner/u-alice");
    expect(result.outs).toMatchObject({ ...owner, user: { id: "u-alice", email: "alice@example.com" } });
    expect(typeof result.outs?.createdAt).toBe("string");
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-alice")).toBe(true);
    expect(apiRequests("POST")).toHaveLength(1);
  });

  it("adopts an owner that already exists (409) by reading it back", async () => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    const result = await provider.create(owner);
    expect(result.outs?.user?.email).toBe("alice@example.com");
    expect(apiRequests().map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 409", "GET 200"]);
  });

  // API-NOTES: what a duplicate POST answers is undocumented (409, ALREADY_EXISTS, or an idempotent 200).
  it.each([409, 400])("adopts on gRPC ALREADY_EXISTS (code 6) with HTTP %i, with the outputs a GET reads back", async (status) => {
    const existing = emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    emulator.faults.add({ method: "POST", path: ownerPathPattern, status, body: { code: 6, message: "already exists" } });
    const result = await provider.create(owner);
    expect(result.id).toBe("app-payroll/conn-okta/owner/u-alice");
    expect(result.outs).toMatchObject({
      ...owner,
      createdAt: existing.createdAt,
      user: { id: "u-alice", email: "alice@example.com", status: "ENABLED" },
    });
    expect(apiRequests().map((entry) => `${entry.method} ${entry.status} ${entry.path}`)).toEqual([
      `POST ${status} /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice`,
      "GET 200 /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice",
    ]);
  });

  it("takes the existing owner from an idempotent 200 to a duplicate POST, without a GET", async () => {
    const existing = emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    emulator.settings.duplicateCreate = "ok";
    try {
      const result = await provider.create(owner);
      expect(result.outs).toMatchObject({ ...owner, createdAt: existing.createdAt, user: { id: "u-alice", email: "alice@example.com" } });
      expect(apiRequests().map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200"]);
    } finally {
      emulator.settings.duplicateCreate = "conflict";
    }
  });

  it("fails with method, path, status and C1's message for an unknown user", async () => {
    const error = await expectError(() => provider.create({ ...owner, userId: "u-nobody" }));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toBe(
      "C1 API POST /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-nobody failed: 404 Not Found: user not found: u-nobody",
    );
    expect((error as C1ApiError).apiCode).toBe(5);
  });

  it("refuses invalid keys before sending anything", async () => {
    const error = await expectError(() => provider.create({ ...owner, roleSlug: "a/b" }));
    expect(error).toMatchObject({ name: "C1InvalidInputError", code: "C1_INVALID_INPUT" });
    expect(error.message).toContain("roleSlug must not contain '/'");
    expect(emulator.requests).toHaveLength(0);
  });

  it("percent-encodes odd characters in every path segment and round-trips them", async () => {
    const odd = { appId: "app 1+ü", connectorId: "conn%2F?x", roleSlug: "owner", userId: "u#1&2" };
    emulator.store.addApp(odd.appId, [odd.connectorId]);
    emulator.store.addUser({ id: odd.userId, email: "odd@example.com" });
    const created = await provider.create(odd);
    expect(created.id).toBe("app%201%2B%C3%BC/conn%252F%3Fx/owner/u%231%262");
    expect(emulator.store.hasOwner(odd.appId, odd.connectorId, odd.roleSlug, odd.userId)).toBe(true);
    expect(apiRequests("POST")[0].path).toContain("/apps/app%201%2B%C3%BC/connectors/conn%252F%3Fx/owners/users/owner/u%231%262");
    const read = await provider.read(created.id);
    expect(read.props).toMatchObject(odd);
    await provider.delete(created.id, created.outs!);
    expect(emulator.store.hasOwner(odd.appId, odd.connectorId, odd.roleSlug, odd.userId)).toBe(false);
  });
});

describe("read", () => {
  it("returns id, outputs and the four keys as inputs, from the id alone", async () => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    const result = await provider.read("app-payroll/conn-okta/owner/u-alice");
    expect(result.id).toBe("app-payroll/conn-okta/owner/u-alice");
    expect(result.props).toMatchObject({ ...owner, user: { email: "alice@example.com", status: "ENABLED" } });
    expect((result as { inputs?: unknown }).inputs).toEqual(owner);
  });

  it("returns no id when the owner is gone (404), so the engine sees the drift", async () => {
    const result = await provider.read("app-payroll/conn-okta/owner/u-alice");
    expect(result.id).toBeUndefined();
  });

  it("reads from the Terraform provider's JSON import id, and answers with the id it was asked for", async () => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    const id = JSON.stringify({ app_id: "app-payroll", connector_id: "conn-okta", role_slug: "owner", user_ref_id: "u-alice" });
    const result = await provider.read(id);
    // Pulumi 3.276 records the id a read answers (3.259 kept the requested one): a `get` by the
    // Terraform id must keep that id with both (test/e2e/examples.test.ts, examples/lookup).
    expect(result.id).toBe(id);
    expect(result.props?.user?.email).toBe("alice@example.com");
  });

  const garbage: Array<[label: string, fault: Record<string, unknown>, message: string]> = [
    ["HTML with 200", { status: 200, headers: { "content-type": "text/html" }, body: "<html>proxy</html>" }, "the body is not JSON (text/html)"],
    ["an empty 200", { status: 200, body: "" }, "the body is empty"],
    ["a 200 without connectorOwnerUser", { status: 200, body: { something: 1 } }, "the body has no connectorOwnerUser object"],
    ["a JSON array", { status: 200, body: "[1,2]" }, "the body is not a JSON object"],
  ];

  it.each(garbage)("fails clearly on %s instead of recording empty outputs", async (_label, fault, message) => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    emulator.faults.add({ method: "GET", path: ownerPathPattern, ...fault });
    const error = await expectError(() => provider.read("app-payroll/conn-okta/owner/u-alice"));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toContain(message);
  });

  it("reports an HTML 502 from a proxy by status, after retrying", async () => {
    emulator.faults.add({
      path: ownerPathPattern,
      status: 502,
      body: "<html><body>Bad Gateway</body></html>",
      headers: { "content-type": "text/html" },
      times: Infinity,
    });
    const error = await expectError(() => provider.read("app-payroll/conn-okta/owner/u-alice"));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toMatch(/failed: 502 Bad Gateway \(after 4 attempts\)$/);
  });
});

describe("delete", () => {
  it("DELETEs the owner with a userRef body", async () => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    await provider.delete("app-payroll/conn-okta/owner/u-alice", owner);
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-alice")).toBe(false);
  });

  it("accepts an empty 200 body to a DELETE", async () => {
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
    emulator.faults.add({ method: "DELETE", path: ownerPathPattern, status: 200, body: "" });
    await expect(provider.delete("app-payroll/conn-okta/owner/u-alice", owner)).resolves.toBeUndefined();
  });

  it("counts an owner already gone (404) as deleted", async () => {
    await expect(provider.delete("app-payroll/conn-okta/owner/u-alice", owner)).resolves.toBeUndefined();
    expect(apiRequests("DELETE").map((entry) => entry.status)).toEqual([404]);
  });
});

describe("check, diff and update", () => {
  it("check reports every bad key by property without calling C1", async () => {
    const result = await provider.check({} as never, { appId: "", connectorId: "c", roleSlug: " owner", userId: 7 as never });
    expect(result.failures?.map((failure) => failure.property)).toEqual(["appId", "roleSlug", "userId"]);
    expect(emulator.requests).toHaveLength(0);
  });

  it("diff replaces exactly the keys that changed, creating before deleting", async () => {
    const result = await provider.diff("id", owner, { ...owner, roleSlug: "backup", userId: "u-bob" });
    expect(result).toEqual({ changes: true, replaces: ["roleSlug", "userId"], deleteBeforeReplace: false });
  });

  it("diff sees no change when only the serialized provider or outputs differ", async () => {
    const olds = { ...owner, __provider: "old code", createdAt: "2020-01-01T00:00:00Z" };
    const news = { ...owner, __provider: "new code" };
    expect(await provider.diff("id", olds as never, news as never)).toEqual({ changes: false });
  });

  it("update returns the outputs unchanged without calling C1", async () => {
    const olds = { ...owner, createdAt: "2020-01-01T00:00:00Z", user: { id: "u-alice", email: "alice@example.com" } };
    expect(await provider.update("id", olds, owner)).toEqual({ outs: olds });
    expect(emulator.requests).toHaveLength(0);
  });
});

// The retry rules and their timing are in retries.test.ts; these are the retries a create must survive.
describe("retries", () => {
  it("retries a connection reset and creates exactly one owner", async () => {
    emulator.faults.add({ method: "POST", path: ownerPathPattern, reset: true });
    await provider.create(owner);
    expect(emulator.store.listOwners()).toEqual([owner]);
    expect(apiRequests("POST")).toHaveLength(2);
    expect([...successfulPostsPerOwner(emulator.requests).values()], "successful POSTs of the owner").toEqual([1]);
  });

  it("retries a request that timed out without duplicating the owner", async () => {
    provider = await configuredProvider(clientCredentialsConfig(emulator, clientId, clientSecret, { "conductorone:requestTimeoutMs": "300" }));
    emulator.faults.add({ method: "POST", path: ownerPathPattern, delayMs: 800 });
    const result = await provider.create(owner);
    expect(result.outs?.user?.id).toBe("u-alice");
    // The abandoned first attempt still completes on the server (and finds the owner there).
    await vi.waitFor(() => expect(apiRequests("POST")).toHaveLength(2), { timeout: 3000 });
    expect(emulator.store.listOwners()).toEqual([owner]);
    expect([...successfulPostsPerOwner(emulator.requests).values()], "successful POSTs of the owner").toEqual([1]);
  });

  it("adopts the owner when C1 created it but the answer was lost", async () => {
    emulator.faults.add({ method: "POST", path: ownerPathPattern, lostAnswer: true });
    const result = await provider.create(owner);
    expect(result.outs?.user?.email).toBe("alice@example.com");
    expect(apiRequests().map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 0", "POST 409", "GET 200"]);
    expect(emulator.store.listOwners()).toEqual([owner]);
  });

  it("sends exactly one request per call when nothing fails", async () => {
    const created = await provider.create(owner);
    await provider.read(created.id);
    await provider.delete(created.id, created.outs!);
    expect(apiRequests().map((entry) => entry.method)).toEqual(["POST", "GET", "DELETE"]);
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe("tokens", () => {
  it("shares one token fetch among ten parallel creates", async () => {
    const users = Array.from({ length: 10 }, (_, i) => emulator.store.addUser({ id: `u-par-${i}` }).id);
    await Promise.all(users.map((userId) => provider.create({ ...owner, userId })));
    expect(tokenRequests()).toHaveLength(1);
    expect(emulator.store.listOwners()).toHaveLength(10);
  });

  it("fetches a new token once when C1 answers 401 to a revoked one", async () => {
    await provider.create(owner);
    emulator.revokeAllTokens();
    const read = await provider.read("app-payroll/conn-okta/owner/u-alice");
    expect(read.id).toBeDefined();
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((entry) => entry.status)).toEqual([200, 401, 200]);
  });

  it("refreshes a token before expires_in runs out instead of waiting for a 401", async () => {
    // Its own emulator: the 2 s token lifetime must not reach the other tests.
    const shortLived = await startTestEmulator({ tokenLifetimeSeconds: 2 });
    try {
      const refreshing = await configuredProvider(clientCredentialsConfig(shortLived.emulator, shortLived.clientId, shortLived.clientSecret));
      await refreshing.create(owner);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await refreshing.read("app-payroll/conn-okta/owner/u-alice");
      expect(tokenRequests(shortLived.emulator)).toHaveLength(2);
      expect(apiRequests(undefined, shortLived.emulator).map((entry) => entry.status)).toEqual([200, 200]);
    } finally {
      await shortLived.emulator.close();
    }
  });

  it("never refreshes a static access token: a revoked one is an error", async () => {
    const token = emulator.issueAccessToken();
    const staticProvider = await configuredProvider({ ...emulatorServerConfig(emulator), "conductorone:accessToken": token });
    await staticProvider.create(owner);
    emulator.revokeAllTokens();
    const error = await expectError(() => staticProvider.read("app-payroll/conn-okta/owner/u-alice"));
    expect(error.message).toContain("failed: 401 Unauthorized: unauthenticated");
    expect(tokenRequests()).toHaveLength(0);
  });

  it("exchanges an OIDC token for a C1 token", async () => {
    const oidcToken = emulator.issueOidcToken(clientId);
    const oidcProvider = await configuredProvider({
      ...emulatorServerConfig(emulator),
      "conductorone:clientId": clientId,
      "conductorone:oidcToken": oidcToken,
    });
    await oidcProvider.create(owner);
    expect(tokenRequests().map((entry) => entry.status)).toEqual([200]);
    expect(emulator.store.listOwners()).toEqual([owner]);
  });

  it("fails with a short authentication error when the secret is wrong, before touching any owner", async () => {
    const other = emulator.createClient("other");
    const wrong = await configuredProvider(clientCredentialsConfig(emulator, clientId, other.clientSecret));
    const error = await expectError(() => wrong.create(owner));
    expect(error).toBeInstanceOf(C1AuthError);
    expect(error.message).toBe(
      `could not get a C1 access token (client credentials for client ${clientId}): POST /auth/v1/token failed: 401 Unauthorized: invalid_client: client assertion rejected`,
    );
    expect(apiRequests()).toHaveLength(0);
  });

  it("retries a token endpoint that is down, then reports an authentication error", async () => {
    emulator.faults.add({ path: "/auth/v1/token", status: 503, times: Infinity });
    const error = await expectError(() => provider.create(owner));
    expect(error).toBeInstanceOf(C1AuthError);
    expect(error.message).toContain("503 Service Unavailable");
    expect(tokenRequests()).toHaveLength(4);
    expect(apiRequests()).toHaveLength(0);
  });

  it("works from env vars alone when never configured", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, emulatorServerEnv(emulator));
      process.env.CONDUCTORONE_CLIENT_ID = clientId;
      process.env.CONDUCTORONE_CLIENT_SECRET = clientSecret;
      const unconfigured = new ConnectorUserOwnerProvider();
      const result = await unconfigured.create(owner);
      expect(result.outs?.user?.email).toBe("alice@example.com");
    } finally {
      process.env = saved;
    }
  });
});
