/**
 * The C1 emulator over real HTTP: token issuance, the owner API, the users API, faults, the
 * request log, the admin API and the server lifecycle. No mocks: every request goes through a
 * socket.
 */
import { request as httpRequest, Agent } from "node:http";
import { connect, type Socket } from "node:net";
import { setImmediate as nextTurn } from "node:timers/promises";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { importJWK, SignJWT } from "jose";
import { C1Emulator, CLIENT_SECRET_PREFIX, isUsersPath, startEmulator, type C1EmulatorOptions, type ClientCredentials } from "../src/emulator";
import { EMULATOR_USAGE, formatBanner, parseEmulatorArgs } from "../src/cli/commands/emulator";
import { resolveSettings } from "../src/provider/c1/settings";

// ---------------------------------------------------------------- helpers

interface HttpResult {
  status: number;
  headers: Headers;
  // Whatever JSON the emulator answered; each test reads the fields it checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function send(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

interface AssertionOptions {
  aud?: string;
  /** Seconds from `nowSeconds` until exp; omit the claim when null. */
  expiresIn?: number | null;
  nonce?: string | null;
  iss?: string;
  sub?: string;
  /** Sign with this secret's key instead of the client's own. */
  signingSecret?: string;
  nowSeconds?: number;
}

async function privateKeyFromSecret(secret: string) {
  const jwk = JSON.parse(Buffer.from(secret.slice(CLIENT_SECRET_PREFIX.length), "base64url").toString("utf8"));
  return importJWK(jwk, "EdDSA");
}

/** Builds a client assertion the way C1's SDKs do, with knobs to break each part. */
async function signAssertion(client: ClientCredentials, options: AssertionOptions = {}): Promise<string> {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const header: Record<string, unknown> = { alg: "EdDSA" };
  if (options.nonce !== null) header.nonce = options.nonce ?? randomBytes(16).toString("hex");
  const jwt = new SignJWT({})
    .setProtectedHeader(header as { alg: string })
    .setIssuer(options.iss ?? client.clientId)
    .setSubject(options.sub ?? client.clientId)
    .setAudience(options.aud ?? "127.0.0.1")
    .setIssuedAt(now)
    .setNotBefore(now - 120);
  const expiresIn = options.expiresIn === undefined ? 120 : options.expiresIn;
  if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
  return jwt.sign(await privateKeyFromSecret(options.signingSecret ?? client.clientSecret));
}

function postForm(url: string, form: Record<string, string>): Promise<HttpResult> {
  return send(`${url}/auth/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

function clientCredentialsForm(client: ClientCredentials, assertion: string): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_id: client.clientId,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  };
}

function ownerPath(appId: string, connectorId: string, roleSlug: string, userId: string): string {
  return `/api/v2/apps/${encodeURIComponent(appId)}/connectors/${encodeURIComponent(connectorId)}/owners/users/${encodeURIComponent(roleSlug)}/${encodeURIComponent(userId)}`;
}

function listPath(appId: string, connectorId: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `/api/v2/apps/${encodeURIComponent(appId)}/connectors/${encodeURIComponent(connectorId)}/owners/users${qs ? `?${qs}` : ""}`;
}

let emulator: C1Emulator;
let url: string;
let token: string;

async function start(options: C1EmulatorOptions = {}): Promise<void> {
  emulator = new C1Emulator(options);
  url = await emulator.listen();
  token = emulator.issueAccessToken();
}

/** Calls the API with the default token, another one, or none (`null`). */
function api(method: string, path: string, body?: unknown, bearer: string | null = token): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return send(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

function admin(method: string, name: string, body?: unknown): Promise<HttpResult> {
  return send(`${url}/_emulator/${name}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

afterEach(async () => {
  await emulator?.close();
});

// ---------------------------------------------------------------- token endpoint

describe("token endpoint", () => {
  beforeEach(() => start());

  it("issues a bearer token for a correctly signed client assertion", async () => {
    const client = emulator.createClient("ci");
    expect(client.clientId).toMatch(/^ci-[0-9a-f]+@emulator\.conductor\.one\/pcc$/);
    expect(client.clientSecret.startsWith(CLIENT_SECRET_PREFIX)).toBe(true);

    const res = await postForm(url, clientCredentialsForm(client, await signAssertion(client)));

    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 600 });
    expect(emulator.issuedTokens()).toContain(res.body.access_token);
    expect((await api("GET", listPath("app-payroll", "conn-okta"), undefined, res.body.access_token)).status).toBe(200);
  });

  const rejected: { label: string; options: (other: ClientCredentials) => AssertionOptions }[] = [
    { label: "signed with another client's key", options: (other) => ({ signingSecret: other.clientSecret }) },
    { label: "audience includes the port", options: () => ({ aud: new URL(url).host }) },
    { label: "audience names another host", options: () => ({ aud: "acme.conductor.one" }) },
    { label: "exp more than 5 minutes out", options: () => ({ expiresIn: 301 + 5 }) },
    { label: "expired", options: () => ({ expiresIn: -10 }) },
    { label: "no exp claim", options: () => ({ expiresIn: null }) },
    { label: "no nonce in the header", options: () => ({ nonce: null }) },
    { label: "issuer is not the client id", options: () => ({ iss: "someone-else" }) },
    { label: "subject is not the client id", options: () => ({ sub: "someone-else" }) },
  ];
  it.each(rejected)("rejects an assertion that is $label with a terse 401", async ({ options }) => {
    const client = emulator.createClient();
    const other = emulator.createClient("other");
    const res = await postForm(url, clientCredentialsForm(client, await signAssertion(client, options(other))));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "invalid_client", error_description: "client assertion rejected" });
  });

  it("rejects an assertion for a client id it never issued", async () => {
    const client = emulator.createClient();
    const stranger = { ...client, clientId: "stranger-1@emulator.conductor.one/pcc" };
    const res = await postForm(url, clientCredentialsForm(stranger, await signAssertion(stranger)));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_client");
  });

  it("answers 400 to an unknown grant type and to a body that is not form-encoded", async () => {
    expect((await postForm(url, { grant_type: "password" })).body.error).toBe("unsupported_grant_type");
    const json = await send(`${url}/auth/v1/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe("invalid_request");
  });

  it("exchanges an OIDC token issued for the client id", async () => {
    const clientId = "federated-1@emulator.conductor.one/pcc";
    const oidc = emulator.issueOidcToken(clientId);
    expect(oidc.split(".")).toHaveLength(3);
    const form = {
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: oidc,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      client_id: clientId,
    };

    const ok = await postForm(url, form);
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe("Bearer");

    expect((await postForm(url, { ...form, client_id: "other@emulator.conductor.one/pcc" })).status).toBe(400);
    emulator.auth.revokeOidcToken(oidc);
    const revoked = await postForm(url, form);
    expect(revoked.status).toBe(400);
    expect(revoked.body.error).toBe("invalid_grant");
  });

  it("reports tokenLifetimeSeconds as expires_in and refuses tokens once they expire", async () => {
    await emulator.close();
    let clock = Date.parse("2030-01-01T00:00:00Z");
    await start({ tokenLifetimeSeconds: 60, now: () => clock });
    const client = emulator.createClient();
    const res = await postForm(url, clientCredentialsForm(client, await signAssertion(client, { nowSeconds: clock / 1000 })));
    expect(res.body.expires_in).toBe(60);

    const path = listPath("app-payroll", "conn-okta");
    expect((await api("GET", path, undefined, res.body.access_token)).status).toBe(200);
    clock += 61_000;
    expect((await api("GET", path, undefined, res.body.access_token)).status).toBe(401);
  });

  it("refuses every token issued before revokeAllTokens and accepts new ones", async () => {
    const path = listPath("app-payroll", "conn-okta");
    emulator.revokeAllTokens();
    expect((await api("GET", path)).status).toBe(401);
    expect((await api("GET", path, undefined, emulator.issueAccessToken())).status).toBe(200);
  });
});

// ---------------------------------------------------------------- API authentication

describe("API authentication", () => {
  beforeEach(() => start());

  it.each([
    { label: "no Authorization header", bearer: null },
    { label: "an unknown token", bearer: "c1emu_at_not-a-real-token" },
    { label: "an empty bearer", bearer: "" },
  ])("answers 401 with a gRPC-gateway body for $label", async ({ bearer }) => {
    const res = await api("GET", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"), undefined, bearer);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.body).toEqual({ code: 16, message: "unauthenticated", details: [] });
  });

  it("checks authentication before routing", async () => {
    expect((await api("GET", "/api/v2/nowhere", undefined, null)).status).toBe(401);
    expect((await api("GET", "/api/v2/nowhere")).body).toMatchObject({ code: 5, message: "Not Found" });
  });
});

// ---------------------------------------------------------------- owners

describe("owner API", () => {
  beforeEach(() => start());

  it("creates an owner and returns it with the full directory user", async () => {
    const res = await api("POST", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"), { userRef: { id: "u-alice" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      connectorOwnerUser: {
        appId: "app-payroll",
        connectorId: "conn-okta",
        roleSlug: "owner",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        user: expect.objectContaining({ id: "u-alice", email: "alice@example.com", displayName: "Alice Anders", status: "ENABLED" }),
      },
    });
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-alice")).toBe(true);
  });

  it("creates an owner without a body", async () => {
    expect((await api("POST", ownerPath("app-payroll", "conn-okta", "owner", "u-bob"))).status).toBe(200);
  });

  it("gets an owner in the same shape as create, and deletes it", async () => {
    const path = ownerPath("app-github", "conn-github", "admin", "u-carol");
    const created = await api("POST", path);
    const got = await api("GET", path);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const deleted = await api("DELETE", path, { userRef: { id: "u-carol" } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({});
    expect(await api("GET", path)).toMatchObject({ status: 404, body: { code: 5, message: "owner not found" } });
    expect(await api("DELETE", path)).toMatchObject({ status: 404, body: { code: 5 } });
  });

  it("answers 409 to a duplicate create, or 200 with the existing record when duplicateCreate is ok", async () => {
    const path = ownerPath("app-payroll", "conn-okta", "owner", "u-alice");
    const first = await api("POST", path);
    expect(await api("POST", path)).toMatchObject({ status: 409, body: { code: 6, message: "owner already exists" } });
    emulator.settings.duplicateCreate = "ok";
    const again = await api("POST", path);
    expect(again.status).toBe(200);
    expect(again.body.connectorOwnerUser.createdAt).toBe(first.body.connectorOwnerUser.createdAt);
  });

  it.each([
    { label: "unknown app", path: ownerPath("app-nope", "conn-okta", "owner", "u-alice"), message: "app not found: app-nope" },
    { label: "unknown connector", path: ownerPath("app-payroll", "conn-github", "owner", "u-alice"), message: "connector not found: conn-github" },
    { label: "unknown user", path: ownerPath("app-payroll", "conn-okta", "owner", "u-zed"), message: "user not found: u-zed" },
  ])("answers 404 code 5 to a create for an $label", async ({ path, message }) => {
    expect(await api("POST", path)).toMatchObject({ status: 404, body: { code: 5, message } });
  });

  it.each([
    { label: "starts with a dash", slug: "-owner" },
    { label: "has a space", slug: "app owner" },
    { label: "is 64 characters", slug: "a".repeat(64) },
    { label: "has a colon", slug: "role:owner" },
  ])("answers 400 code 3 to a role slug that $label", async ({ slug }) => {
    const res = await api("POST", ownerPath("app-payroll", "conn-okta", slug, "u-alice"));
    expect(res).toMatchObject({ status: 400, body: { code: 3, message: "invalid role slug" } });
  });

  it("answers 400 to a well-formed role slug listed in rejectedRoleSlugs", async () => {
    emulator.settings.rejectedRoleSlugs = ["superuser"];
    expect((await api("POST", ownerPath("app-payroll", "conn-okta", "superuser", "u-alice"))).status).toBe(400);
    expect((await api("POST", ownerPath("app-payroll", "conn-okta", "owner.v2_x-y", "u-alice"))).status).toBe(200);
  });

  it("answers 400 when the body userRef.id differs from the path", async () => {
    const res = await api("POST", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"), { userRef: { id: "u-bob" } });
    expect(res).toMatchObject({ status: 400, body: { code: 3 } });
    expect(emulator.store.listOwners()).toEqual([]);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const res = await send(`${url}${ownerPath("app-payroll", "conn-okta", "owner", "u-alice")}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(res).toMatchObject({ status: 400, body: { code: 3 } });
  });

  it("answers 405 code 12 to a method the route does not have", async () => {
    expect(await api("PUT", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"))).toMatchObject({ status: 405, body: { code: 12 } });
    expect((await api("POST", listPath("app-payroll", "conn-okta"))).status).toBe(405);
  });

  it("sees out-of-band changes made through the store", async () => {
    emulator.store.addOwner("app-payroll", "conn-workday", "owner", "u-dave");
    const path = ownerPath("app-payroll", "conn-workday", "owner", "u-dave");
    expect((await api("GET", path)).status).toBe(200);
    emulator.store.removeOwner("app-payroll", "conn-workday", "owner", "u-dave");
    expect((await api("GET", path)).status).toBe(404);
    expect(() => emulator.store.addOwner("app-payroll", "conn-typo", "owner", "u-dave")).toThrow("connector not found: conn-typo");
  });

  it("takes an OwnerKey wherever the store takes the four parts of one", () => {
    const key = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob" };
    const record = emulator.store.addOwner(key);
    expect(record).toEqual({ ...key, createdAt: expect.any(String), seq: 1 });
    expect(emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-bob")).toEqual(record);
    expect(emulator.store.hasOwner(key)).toBe(true);
    expect(emulator.store.getOwner({ ...key })).toEqual(record);
    expect(emulator.store.listOwners()).toEqual([key]);
    expect(emulator.store.removeOwner(key)).toBe(true);
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
  });

  it("keeps owners apart whose key parts only differ in where a separator falls", () => {
    emulator.store.addApp("a", ["b:c"]);
    emulator.store.addApp("a:b", ["c"]);
    emulator.store.addOwner("a", "b:c", "owner", "u-alice");
    emulator.store.addOwner("a:b", "c", "owner", "u-alice");
    expect(emulator.store.listOwners()).toHaveLength(2);
    expect(emulator.store.removeOwner("a", "b:c", "owner", "u-alice")).toBe(true);
    expect(emulator.store.listOwners()).toEqual([{ appId: "a:b", connectorId: "c", roleSlug: "owner", userId: "u-alice" }]);
  });

  const oddIds = [
    { label: "spaces", id: "user with spaces" },
    { label: "a plus sign", id: "a+b" },
    { label: "a percent sign", id: "100%" },
    { label: "unicode", id: "ünïcødé-用户" },
    { label: "a slash", id: "team/alpha" },
    { label: "a question mark and hash", id: "what?#now" },
  ];
  it.each(oddIds)("round-trips ids containing $label", async ({ id }) => {
    emulator.store.addApp(`app ${id}`, [`conn ${id}`]);
    emulator.store.addUser({ id });
    const path = ownerPath(`app ${id}`, `conn ${id}`, "owner", id);

    const created = await api("POST", path, { userRef: { id } });
    expect(created.status).toBe(200);
    expect(created.body.connectorOwnerUser).toMatchObject({ appId: `app ${id}`, connectorId: `conn ${id}`, user: { id } });
    expect(emulator.store.hasOwner(`app ${id}`, `conn ${id}`, "owner", id)).toBe(true);
    expect((await api("GET", path)).body).toEqual(created.body);
    expect((await api("GET", listPath(`app ${id}`, `conn ${id}`))).body.list).toHaveLength(1);
    expect((await api("DELETE", path)).status).toBe(200);
  });

  it("lists owners in creation order across pages of page_size", async () => {
    const users = ["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"];
    for (const user of users) await api("POST", ownerPath("app-payroll", "conn-okta", "owner", user));
    await api("POST", ownerPath("app-payroll", "conn-okta", "admin", "u-alice"));

    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const res = await api(
        "GET",
        listPath("app-payroll", "conn-okta", { role_slug: "owner", page_size: "2", ...(pageToken ? { page_token: pageToken } : {}) }),
      );
      expect(res.status).toBe(200);
      expect(res.body.list.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.list.map((o: { user: { id: string } }) => o.user.id));
      pageToken = res.body.nextPageToken;
      pages += 1;
    } while (pageToken !== "");

    expect(seen).toEqual(users);
    expect(pages).toBe(3);
    const all = await api("GET", listPath("app-payroll", "conn-okta"));
    expect(all.body).toMatchObject({ nextPageToken: "" });
    expect(all.body.list).toHaveLength(6);
  });

  it("caps page_size at maxPageSize and defaults it to 50", async () => {
    for (let i = 0; i < 60; i++) emulator.store.addUser({ id: `u-${i}` });
    for (let i = 0; i < 60; i++) emulator.store.addOwner("app-github", "conn-github", "owner", `u-${i}`);
    expect((await api("GET", listPath("app-github", "conn-github"))).body.list).toHaveLength(50);
    emulator.settings.maxPageSize = 7;
    const capped = await api("GET", listPath("app-github", "conn-github", { page_size: "1000" }));
    expect(capped.body.list).toHaveLength(7);
    expect(capped.body.nextPageToken).not.toBe("");
  });

  it.each<{ label: string; query: Record<string, string> }>([
    { label: "a page_token it never issued", query: { page_token: "bm9wZQ" } },
    { label: "a negative page_size", query: { page_size: "-1" } },
    { label: "an invalid role_slug filter", query: { role_slug: "-x" } },
  ])("answers 400 to a list with $label", async ({ query }) => {
    expect(await api("GET", listPath("app-payroll", "conn-okta", query))).toMatchObject({ status: 400, body: { code: 3 } });
  });

  it("answers 404 to a list for an unknown app", async () => {
    expect(await api("GET", listPath("app-x", "conn-okta"))).toMatchObject({ status: 404, body: { message: "app not found: app-x" } });
  });
});

// ---------------------------------------------------------------- users

describe("users API", () => {
  beforeEach(() => start());

  const userPath = (id: string): string => `/api/v1/users/${encodeURIComponent(id)}`;
  const search = (body: unknown): Promise<HttpResult> => api("POST", "/api/v1/search/users", body);
  const idsOf = (res: HttpResult): string[] => res.body.list.map((view: { user: { id: string } }) => view.user.id);

  it("tells its own request paths apart from the others (isUsersPath), as the log shows them", async () => {
    await api("GET", userPath("u-alice"));
    await search({ refs: [{ id: "u-alice" }] });
    await api("GET", listPath("app-payroll", "conn-okta"));
    const logged = emulator.requests.filter((entry) => entry.kind === "api").map((entry) => [entry.path, isUsersPath(entry.path)]);
    expect(logged).toEqual([
      ["/api/v1/users/u-alice", true],
      ["/api/v1/search/users", true],
      [listPath("app-payroll", "conn-okta").split("?")[0], false],
    ]);
    expect(isUsersPath("/api/v1/usersX")).toBe(false);
  });

  it.each([{ status: "ENABLED" as const }, { status: "DISABLED" as const }, { status: "DELETED" as const }])(
    "answers GET of a $status user with the directory's record",
    async ({ status }) => {
      if (status !== "ENABLED") emulator.store.setUserStatus("u-bob", status);
      const res = await api("GET", userPath("u-bob"));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ userView: { user: emulator.store.getUser("u-bob") }, expanded: [] });
      expect(res.body.userView.user).toMatchObject({ id: "u-bob", email: "bob@example.com", status });
    },
  );

  it("sets a user's status through the store, with deletedAt while DELETED, and refuses an unknown id", () => {
    expect(emulator.store.setUserStatus("u-dave", "DELETED")).toMatchObject({ status: "DELETED", deletedAt: expect.any(String) });
    expect(emulator.store.setUserStatus("u-dave", "ENABLED")).toMatchObject({ status: "ENABLED", deletedAt: null });
    expect(() => emulator.store.setUserStatus("u-typo", "DISABLED")).toThrow("user not found: u-typo");
  });

  it("answers 404 code 5 to GET of an unknown user", async () => {
    const res = await api("GET", userPath("u-zed"));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 5, message: "user not found: u-zed", details: [] });
  });

  it("answers GET 401 without a token and 200 with one", async () => {
    expect(await api("GET", userPath("u-alice"), undefined, null)).toMatchObject({ status: 401, body: { code: 16, message: "unauthenticated" } });
    expect((await api("GET", userPath("u-alice"))).status).toBe(200);
  });

  it("searches by refs in id order, leaving out ids it does not know", async () => {
    const res = await search({ refs: [{ id: "u-carol" }, { id: "u-zed" }, { id: "u-alice" }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      list: [{ user: emulator.store.getUser("u-alice") }, { user: emulator.store.getUser("u-carol") }],
      nextPageToken: "",
      expanded: [],
    });
  });

  it("pages a search by pageSize, every user once, until nextPageToken is empty", async () => {
    emulator.store.addUser({ id: "u-frank" });
    const refs = ["u-erin", "u-dave", "u-carol", "u-bob", "u-alice"].map((id) => ({ id }));
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    // Bounded, so a token that never runs out fails the test instead of hanging it.
    do {
      const res = await search({ refs, pageSize: 2, pageToken });
      expect(res.status).toBe(200);
      expect(res.body.list.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(res));
      pageToken = res.body.nextPageToken;
      pages += 1;
    } while (pageToken !== "" && pages < 10);
    expect(seen).toEqual(["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"]);
    expect(pages).toBe(3);
  });

  it("filters a search by userStatuses", async () => {
    emulator.store.setUserStatus("u-bob", "DISABLED");
    emulator.store.setUserStatus("u-dave", "DELETED");
    expect(idsOf(await search({ userStatuses: ["DISABLED", "DELETED"] }))).toEqual(["u-bob", "u-dave"]);
    expect(idsOf(await search({ refs: [{ id: "u-bob" }, { id: "u-carol" }], userStatuses: ["ENABLED"] }))).toEqual(["u-carol"]);
    expect(idsOf(await search({}))).toEqual(["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"]);
  });

  it("defaults pageSize to 25 and caps it at 100", async () => {
    for (let i = 0; i < 120; i++) emulator.store.addUser({ id: `u-${String(i).padStart(3, "0")}` });
    const first = await search({});
    expect(first.body.list).toHaveLength(25);
    expect(first.body.nextPageToken).not.toBe("");
    expect((await search({ pageSize: 1000 })).body.list).toHaveLength(100);
  });

  it.each([
    { label: "a body that is a list", body: [], message: "request body must be a JSON object" },
    { label: "refs that is not a list", body: { refs: { id: "u-alice" } }, message: "refs must be a list" },
    { label: "a ref without a string id", body: { refs: [{ id: "u-alice" }, { id: 7 }] }, message: 'refs[1] must be {"id": string}' },
    { label: "an unknown user status", body: { userStatuses: ["ACTIVE"] }, message: "userStatuses[0] must be one of UNKNOWN, ENABLED, DISABLED, DELETED" },
    { label: "a negative pageSize", body: { pageSize: -1 }, message: "pageSize must be a non-negative integer" },
    { label: "a pageToken it never issued", body: { pageToken: "bm9wZQ" }, message: "invalid pageToken" },
  ])("answers 400 code 3 naming the field to a search with $label", async ({ body, message }) => {
    expect(await search(body)).toMatchObject({ status: 400, body: { code: 3, message, details: [] } });
  });

  it("answers 501 to a search filter the emulator does not implement, rather than ignore it", async () => {
    expect(await search({ email: "alice@example.com" })).toMatchObject({
      status: 501,
      body: { code: 12, message: "the emulator does not implement the email filter" },
    });
  });

  it("takes fault rules, and logs the requests as api", async () => {
    emulator.faults.add({ method: "POST", path: "/api/v1/search/users", status: 503 });
    expect(await search({ refs: [{ id: "u-alice" }] })).toMatchObject({ status: 503, body: { code: 14, message: "injected fault" } });
    expect(idsOf(await search({ refs: [{ id: "u-alice" }] }))).toEqual(["u-alice"]);
    expect(emulator.requests.map(({ method, path, kind, status, fault }) => ({ method, path, kind, status, fault }))).toEqual([
      { method: "POST", path: "/api/v1/search/users", kind: "api", status: 503, fault: "status:503" },
      { method: "POST", path: "/api/v1/search/users", kind: "api", status: 200, fault: undefined },
    ]);
  });
});

// ---------------------------------------------------------------- faults

describe("fault injection", () => {
  beforeEach(() => start());

  it("answers with the rule status, headers and body, then handles normally once times is used up", async () => {
    const path = listPath("app-payroll", "conn-okta");
    emulator.faults.add({ method: "GET", path: /\/owners\/users$/, status: 429, headers: { "Retry-After": "3" }, times: 2 });
    const first = await api("GET", path);
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect(first.body).toEqual({ code: 8, message: "injected fault", details: [] });
    expect((await api("GET", path)).status).toBe(429);
    expect((await api("GET", path)).status).toBe(200);
    expect(emulator.faults.counts().rule).toBe(2);
  });

  it("matches a string path against the raw, still-encoded path", async () => {
    const path = ownerPath("app-payroll", "conn-okta", "owner", "u alice");
    emulator.faults.add({ path, status: 503, body: "upstream down" });
    const res = await api("GET", path);
    expect(res).toMatchObject({ status: 503, body: "upstream down" });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("destroys the connection without answering for a reset rule", async () => {
    emulator.faults.add({ path: "/auth/v1/token", reset: true });
    await expect(postForm(url, { grant_type: "client_credentials" })).rejects.toThrow();
    expect(emulator.requests.at(-1)).toMatchObject({ status: 0, fault: "reset", kind: "token" });
    expect((await postForm(url, { grant_type: "client_credentials" })).status).toBe(400);
  });

  it("handles a lostAnswer request for real, then drops the connection without answering", async () => {
    const path = ownerPath("app-payroll", "conn-okta", "owner", "u-alice");
    emulator.faults.add({ method: "POST", path, lostAnswer: true });
    await expect(api("POST", path, { userRef: { id: "u-alice" } })).rejects.toThrow();
    expect(emulator.requests.at(-1)).toMatchObject({ status: 0, fault: "lost-answer" });
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-alice")).toBe(true);
  });

  it("delays a request and then handles it normally", async () => {
    emulator.faults.add({ delayMs: 150 });
    const started = Date.now();
    const res = await api("GET", listPath("app-payroll", "conn-okta"));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emulator.requests.at(-1)).toMatchObject({ status: 200, fault: "delay:150" });
  });

  it("applies to the token endpoint", async () => {
    emulator.faults.add({ method: "POST", path: "/auth/v1/token", status: 503 });
    const client = emulator.createClient();
    expect((await postForm(url, clientCredentialsForm(client, await signAssertion(client)))).status).toBe(503);
    expect((await postForm(url, clientCredentialsForm(client, await signAssertion(client)))).status).toBe(200);
  });

  it("never fires a rule with probability 0 and leaves the admin API alone", async () => {
    emulator.faults.add({ status: 500, probability: 0, times: Infinity });
    emulator.faults.add({ path: /^\/_emulator\//, status: 500, times: Infinity });
    expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(200);
    expect((await admin("GET", "owners")).status).toBe(200);
  });

  it("injects the same chaos sequence for the same seed and counts it by kind", async () => {
    const run = async (): Promise<number[]> => {
      emulator.reset();
      token = emulator.issueAccessToken();
      emulator.faults.chaos({ seed: 42, rate: 0.5, kinds: ["429", "503"], retryAfterSeconds: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await api("GET", listPath("app-payroll", "conn-okta"))).status);
      return statuses;
    };
    const first = await run();
    const counts = emulator.faults.counts();
    expect(await run()).toEqual(first);
    expect(first.filter((s) => s === 429)).toHaveLength(counts["429"]);
    expect(first.filter((s) => s === 503)).toHaveLength(counts["503"]);
    expect(counts["429"] + counts["503"]).toBeGreaterThan(0);
    expect(first).toContain(200);
    expect(emulator.countRequests({ fault: "chaos:429" })).toBe(counts["429"]);
  });

  it("rejects a rule that does nothing", () => {
    expect(() => emulator.faults.add({ method: "GET" })).toThrow("fault rule needs status, reset, lostAnswer or delayMs");
  });
});

// ---------------------------------------------------------------- request log

describe("rate-limit mode", () => {
  let clock: number;
  beforeEach(() => {
    clock = Date.now();
    return start({ now: () => clock, rateLimit: { rate: 10, burst: 3, retryAfterSeconds: 2 } });
  });

  it("lets a burst through, answers the excess 429 with Retry-After without doing it, and refills at the rate", async () => {
    const path = listPath("app-payroll", "conn-okta");
    for (let i = 0; i < 3; i++) expect((await api("GET", path)).status).toBe(200);
    const limited = await api("POST", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"), {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.body).toEqual({ code: 8, message: "rate limit exceeded", details: [] });
    expect(emulator.store.listOwners()).toEqual([]);
    clock += 100; // one token at 10 a second
    expect((await api("GET", path)).status).toBe(200);
    expect((await api("GET", path)).status).toBe(429);
    clock += 10_000; // refills to the burst, no more
    for (let i = 0; i < 3; i++) expect((await api("GET", path)).status).toBe(200);
    expect((await api("GET", path)).status).toBe(429);
    expect(emulator.rateLimit.status()).toEqual({ settings: { rate: 10, burst: 3, retryAfterSeconds: 2 }, limited: 3 });
    expect(emulator.requests.filter((entry) => entry.fault === "rate-limit").map((entry) => entry.status)).toEqual([429, 429, 429]);
  });

  it("limits the token endpoint too, and never the admin API", async () => {
    for (let i = 0; i < 3; i++) await api("GET", listPath("app-payroll", "conn-okta"));
    expect((await postForm(url, { grant_type: "client_credentials" })).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await admin("GET", "health")).status).toBe(200);
  });

  it("is set, shown and turned off through the admin API, with the bad field named", async () => {
    expect((await admin("POST", "rate-limit", { rate: 20, burst: 40 })).body).toEqual({ settings: { rate: 20, burst: 40, retryAfterSeconds: 1 }, limited: 0 });
    expect((await admin("GET", "rate-limit")).body).toMatchObject({ settings: { rate: 20 } });
    expect((await admin("POST", "rate-limit", { rate: 0 })).body).toEqual({ error: "rate must be a number above 0, got 0" });
    expect((await admin("DELETE", "rate-limit")).body).toEqual({ settings: null, limited: 0 });
    for (let i = 0; i < 50; i++) expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(200);
  });
});

describe("request log", () => {
  beforeEach(() => start());

  it("records method, raw path, query, status and kind, and no credential", async () => {
    const client = emulator.createClient();
    const assertion = await signAssertion(client);
    const issued = await postForm(url, clientCredentialsForm(client, assertion));
    const bearer = issued.body.access_token as string;
    await api("POST", ownerPath("app-payroll", "conn-okta", "owner", "u-alice"), { userRef: { id: "u-alice" } }, bearer);
    await api("GET", listPath("app-payroll", "conn-okta", { page_size: "5" }), undefined, bearer);
    await send(`${url}/api/v2/x?access_token=${bearer}`);
    const oidc = emulator.issueOidcToken(client.clientId);

    const log = emulator.requests;
    expect(log.map((e) => [e.seq, e.method, e.kind, e.status])).toEqual([
      [1, "POST", "token", 200],
      [2, "POST", "api", 200],
      [3, "GET", "api", 200],
      [4, "GET", "api", 401],
    ]);
    expect(log[2]).toMatchObject({ path: "/api/v2/apps/app-payroll/connectors/conn-okta/owners/users", query: { page_size: "5" } });
    expect(log[3]!.query).toEqual({ access_token: "[redacted]" });

    const dump = JSON.stringify(log);
    for (const secret of [...emulator.sensitiveValues(), assertion, oidc, "Bearer"]) expect(dump).not.toContain(secret);
    expect(emulator.sensitiveValues()).toEqual(expect.arrayContaining([client.clientSecret, bearer, token, oidc]));
  });

  it("counts requests by filter", async () => {
    await api("GET", listPath("app-payroll", "conn-okta"));
    await api("GET", listPath("app-payroll", "conn-okta"), undefined, null);
    expect(emulator.countRequests()).toBe(2);
    expect(emulator.countRequests({ kind: "api", status: 401 })).toBe(1);
    expect(emulator.countRequests({ method: "get", path: /owners\/users$/ })).toBe(2);
    expect(emulator.countRequests({ fault: true })).toBe(0);
  });
});

// ---------------------------------------------------------------- admin API

describe("admin API", () => {
  beforeEach(() => start());

  it("adds, lists and removes owners out of band", async () => {
    const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-erin" };
    expect((await admin("POST", "owners", owner)).status).toBe(200);
    expect((await api("GET", ownerPath("app-payroll", "conn-okta", "owner", "u-erin"))).status).toBe(200);
    expect((await admin("GET", "owners")).body.owners).toEqual([{ ...owner, createdAt: expect.any(String) }]);
    expect((await admin("DELETE", "owners", owner)).body).toEqual({ removed: true });
    expect(emulator.store.listOwners()).toEqual([]);
  });

  it.each([
    { label: "a missing field", body: { appId: "app-payroll" }, status: 400 },
    { label: "an unknown user", body: { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-x" }, status: 404 },
  ])("answers $status with an error message to an owner with $label", async ({ body, status }) => {
    const res = await admin("POST", "owners", body);
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it("adds and clears faults from JSON, with pathRegex and unlimited times", async () => {
    const added = await admin("POST", "faults", { pathRegex: "^/api/", status: 503, times: "Infinity" });
    expect(added.body.id).toMatch(/^fault-/);
    expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(503);
    expect((await admin("GET", "faults")).body.rules[0]).toMatchObject({ status: 503, times: "Infinity", remaining: "Infinity" });
    await admin("DELETE", "faults");
    expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(200);
  });

  it("serves the request log, resets, and revokes tokens", async () => {
    await api("GET", listPath("app-payroll", "conn-okta"));
    const log = await admin("GET", "requests");
    expect(log.body.requests[0]).toMatchObject({ kind: "api", status: 200 });
    expect(emulator.countRequests({ kind: "admin" })).toBe(1);

    expect((await admin("POST", "revoke-tokens")).status).toBe(200);
    expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(401);

    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-bob");
    expect((await admin("POST", "reset")).status).toBe(200);
    expect(emulator.store.listOwners()).toEqual([]);
    // The reset request is logged after it ran, so it is all that remains.
    expect(emulator.requests.map((r) => r.path)).toEqual(["/_emulator/reset"]);
  });

  it("hands out throwaway credentials for scripts in another process", async () => {
    const client = (await admin("POST", "clients", { name: "script" })).body as ClientCredentials;
    const res = await postForm(url, clientCredentialsForm(client, await signAssertion(client)));
    expect(res.status).toBe(200);
    const { accessToken } = (await admin("POST", "access-tokens", {})).body;
    expect((await api("GET", listPath("app-payroll", "conn-okta"), undefined, accessToken)).status).toBe(200);
  });

  it("answers 404 and 405 to unknown admin routes and methods", async () => {
    expect((await admin("GET", "constructor")).status).toBe(404);
    expect((await admin("PATCH", "owners")).status).toBe(405);
  });
});

// ---------------------------------------------------------------- route tables

describe("route tables", () => {
  beforeEach(() => start());

  const owner = ownerPath("app-payroll", "conn-okta", "owner", "u-alice");
  const list = listPath("app-payroll", "conn-okta");

  it.each([
    { label: "an owner", method: "PUT", path: owner, allow: "GET, POST, DELETE", body: { code: 12, message: "Method Not Allowed", details: [] } },
    { label: "the owner list", method: "DELETE", path: list, allow: "GET", body: { code: 12, message: "Method Not Allowed", details: [] } },
    {
      label: "the token endpoint",
      method: "GET",
      path: "/auth/v1/token",
      allow: "POST",
      body: { error: "invalid_request", error_description: "method not allowed" },
    },
    {
      label: "an admin route",
      method: "PATCH",
      path: "/_emulator/owners",
      allow: "GET, POST, DELETE",
      body: { error: "PATCH not allowed on /_emulator/owners" },
    },
    { label: "a POST-only admin route", method: "GET", path: "/_emulator/reset", allow: "POST", body: { error: "GET not allowed on /_emulator/reset" } },
  ])("answers 405 with an Allow header to a method $label does not have", async ({ method, path, allow, body }) => {
    const res = await api(method, path);
    expect(res).toMatchObject({ status: 405, body });
    expect(res.headers.get("allow")).toBe(allow);
  });

  it.each([
    { label: "an owner list path with a trailing slash", path: `${list}/`, body: { code: 5, message: "Not Found", details: [] } },
    { label: "a role slug without a user", path: `${list}/owner`, body: { code: 5, message: "Not Found", details: [] } },
    { label: "an owner path with an extra segment", path: `${owner}/more`, body: { code: 5, message: "Not Found", details: [] } },
    { label: "an empty app id", path: "/api/v2/apps//connectors/conn-okta/owners/users", body: { code: 5, message: "Not Found", details: [] } },
    { label: "a path outside /api/", path: "/nowhere", body: { code: 5, message: "Not Found", details: [] } },
    { label: "another path under /auth/", path: "/auth/v1/other", body: { error: "invalid_request", error_description: "not found" } },
    { label: "an admin path below a route", path: "/_emulator/owners/u-alice", body: { error: "no admin route /_emulator/owners/u-alice" } },
    { label: "the bare admin prefix", path: "/_emulator", body: { error: "no admin route /_emulator" } },
  ])("answers 404 in the surface's own error shape to $label", async ({ path, body }) => {
    expect(await api("GET", path)).toMatchObject({ status: 404, body });
  });

  it("checks the method before the arguments", async () => {
    expect(await api("PUT", ownerPath("app-nope", "conn-okta", "-bad", "u-alice"))).toMatchObject({ status: 405, body: { code: 12 } });
  });

  it("sends no-store on token endpoint errors too", async () => {
    const res = await api("GET", "/auth/v1/token");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await api("GET", "/auth/v1/other")).headers.get("cache-control")).toBe("no-store");
  });

  it("answers 400 to a malformed API path once the token is checked", async () => {
    expect(await api("GET", "/api/v2/apps/%zz/connectors/c/owners/users")).toMatchObject({ status: 400, body: { code: 3, message: "malformed path" } });
    expect((await api("GET", "/api/v2/apps/%zz/connectors/c/owners/users", undefined, null)).status).toBe(401);
  });

  it("answers admin paths with a plain API 404 when the admin API is off", async () => {
    await emulator.close();
    await start({ admin: false });
    expect(await admin("GET", "health")).toMatchObject({ status: 404, body: { code: 5, message: "Not Found" } });
    expect(emulator.requests.at(-1)).toMatchObject({ kind: "admin", status: 404 });
  });
});

// ---------------------------------------------------------------- lifecycle

/** Servers and sockets that keep the event loop alive, by kind. */
function openSockets(): Record<string, number> {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0 };
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind] += 1;
  return counts;
}

/** Lets handles closed in this turn of the event loop finish closing. */
async function settle(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

/** "connected", or the error code of a TCP connection to `url`'s port. */
function connectOutcome(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

describe("lifecycle", () => {
  it("fails loudly when url is read before listen or after close", async () => {
    emulator = new C1Emulator();
    expect(() => emulator.url).toThrow(/not listening/);
    await emulator.listen();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(emulator.listen()).rejects.toThrow(/already listening/);
    await emulator.close();
    expect(() => emulator.url).toThrow(/not listening/);
    await emulator.close();
  });

  it("closes an idle keep-alive connection and leaves nothing open", async () => {
    await settle();
    const before = openSockets();
    await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let socket: Socket | undefined;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/_emulator/health`, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("socket", (assigned) => (socket = assigned));
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(agent.freeSockets).not.toEqual({});

    await emulator.close();
    // The server ends the idle connection: the client's end, still in the agent's pool, sees it close.
    if (!socket!.destroyed) await new Promise((resolve) => socket!.once("close", resolve));
    expect(await connectOutcome(url)).toBe("ECONNREFUSED");
    await settle();
    expect(openSockets()).toEqual(before);
    agent.destroy();
  });

  it("ends a request waiting out an injected delay, and its timer, on close", async () => {
    await settle();
    const before = openSockets();
    // Only setTimeout is faked, to count the emulator's timers; they still run on the real clock.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"], shouldAdvanceTime: true });
    try {
      await start();
      emulator.faults.add({ delayMs: 60_000 });
      const pending = new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${url}${listPath("app-payroll", "conn-okta")}`, { headers: { Authorization: `Bearer ${token}` } }, () => resolve());
        req.on("error", reject);
        req.end();
      });
      // The request has arrived once its delay's timer is set.
      while (vi.getTimerCount() === 0) await nextTurn();
      expect(vi.getTimerCount()).toBe(1);
      await emulator.close();
      await expect(pending).rejects.toThrow(/socket hang up/);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(await connectOutcome(url)).toBe("ECONNREFUSED");
    await settle();
    expect(openSockets()).toEqual(before);
  });

  it("reset keeps the directory and clients but clears owners, faults, the log and tokens", async () => {
    await start();
    emulator.store.addUser({ id: "u-extra" });
    const client = emulator.createClient();
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-extra");
    emulator.faults.add({ status: 500 });
    await api("GET", "/anything");

    emulator.reset();

    expect(emulator.store.listOwners()).toEqual([]);
    expect(emulator.faults.rules()).toEqual([]);
    expect(emulator.requests).toEqual([]);
    expect((await api("GET", listPath("app-payroll", "conn-okta"))).status).toBe(401);
    expect(emulator.store.getUser("u-extra")).toBeDefined();
    expect(emulator.store.getUser("u-alice")).toBeDefined();
    expect((await postForm(url, clientCredentialsForm(client, await signAssertion(client)))).status).toBe(200);
  });

  it("starts empty when seed is false", async () => {
    await start({ seed: false });
    expect(emulator.store.directory()).toEqual({ apps: [], users: [] });
    expect(await api("GET", listPath("app-payroll", "conn-okta"))).toMatchObject({ status: 404, body: { code: 5 } });
  });
});

// ---------------------------------------------------------------- CLI

describe("CLI", () => {
  it.each([
    { label: "no arguments", argv: [], expected: { port: 0, seed: true, help: false } },
    { label: "--port N", argv: ["--port", "8123"], expected: { port: 8123, seed: true, help: false } },
    { label: "--port=N and --no-seed", argv: ["--port=9", "--no-seed"], expected: { port: 9, seed: false, help: false } },
  ])("parses $label", ({ argv, expected }) => {
    expect(parseEmulatorArgs(argv)).toEqual(expected);
  });

  it.each([
    { label: "a port that is not a number", argv: ["--port", "abc"], message: "--port must be 0-65535" },
    { label: "a missing port", argv: ["--port"], message: "--port must be 0-65535" },
    { label: "an unknown flag", argv: ["--verbose"], message: "unknown argument: --verbose" },
  ])("refuses $label", ({ argv, message }) => {
    expect(() => parseEmulatorArgs(argv)).toThrow(message);
  });

  it.each([
    { label: "-h", argv: ["-h"], expected: { port: 0, seed: true, help: true } },
    { label: "--help among other flags", argv: ["--no-seed", "--help"], expected: { port: 0, seed: false, help: true } },
    { label: "a repeated --port (the last wins)", argv: ["--port", "1", "--port=65535"], expected: { port: 65535, seed: true, help: false } },
    { label: "--port 0", argv: ["--port", "0"], expected: { port: 0, seed: true, help: false } },
  ])("parses $label with parseArgs", ({ argv, expected }) => {
    expect(parseEmulatorArgs(argv)).toEqual(expected);
  });

  it("parses the rate-limit mode's flags, and refuses them without a rate", () => {
    expect(parseEmulatorArgs(["--rate-limit", "20", "--burst", "40", "--retry-after", "1"])).toEqual({
      port: 0,
      seed: true,
      help: false,
      rateLimit: { rate: 20, burst: 40, retryAfterSeconds: 1 },
    });
    expect(parseEmulatorArgs(["--rate-limit=5"]).rateLimit).toEqual({ rate: 5, burst: 5, retryAfterSeconds: 1 });
    expect(() => parseEmulatorArgs(["--burst", "40"])).toThrow("--burst and --retry-after go with --rate-limit R");
    expect(() => parseEmulatorArgs(["--rate-limit", "fast"])).toThrow("--rate-limit must be a number above 0, got fast");
  });

  it.each([
    { label: "a port above 65535", argv: ["--port", "65536"], message: "--port must be 0-65535, got 65536" },
    { label: "an empty --port=", argv: ["--port="], message: "--port must be 0-65535, got " },
    { label: "a flag where the port should be", argv: ["--port", "--no-seed"], message: "--port must be 0-65535, got --no-seed" },
    { label: "a positional argument", argv: ["8080"], message: "unknown argument: 8080" },
    { label: "an unknown short flag", argv: ["-x"], message: "unknown argument: -x" },
    { label: "an unknown flag grouped with -h", argv: ["-hx"], message: "unknown argument: -x" },
    { label: "an unknown flag with a value", argv: ["--verbose=3"], message: "unknown argument: --verbose" },
    { label: "a value for --no-seed", argv: ["--no-seed=1"], message: "--no-seed takes no value" },
    { label: "a bare --", argv: ["--"], message: "unknown argument: --" },
  ])("refuses $label", ({ argv, message }) => {
    expect(() => parseEmulatorArgs(argv)).toThrow(message);
  });

  // The compiled CLI as the package ships it (vitest's global setup stages the package).
  const cliPath = join(__dirname, "..", "node_modules", "pulumi-conductorone-owners", "dist", "cli", "main.js");
  const runCli = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [cliPath, "emulator", ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
      });
    });

  it("prints the usage and exits 0 for --help", async () => {
    const run = await runCli(["--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(`${EMULATOR_USAGE}\n`);
    expect(EMULATOR_USAGE).toMatch(/^usage: c1-ownership emulator \[--port N\] \[--no-seed\]/);
  });

  it("exits 2 with the error and where to find the options on stderr for an unknown flag", async () => {
    const run = await runCli(["--verbose"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe("error: unknown argument: --verbose\nrun c1-ownership emulator --help for the options\n");
  });

  it("serves until SIGTERM when run, then exits 0", async () => {
    const child = spawn(process.execPath, [cliPath, "emulator", "--no-seed"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      let stdout = "";
      const served = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match && stdout.includes("Press Ctrl+C")) resolve(match[1]!);
        });
        child.on("exit", (code) => reject(new Error(`CLI exited early with ${code}: ${stdout}`)));
      });
      expect(stdout).toContain("  (empty)");
      expect((await send(`${served}/_emulator/health`)).body).toEqual({ ok: true, url: served });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("starts an emulator with a demo client and prints ready-to-use env lines", async () => {
    const started = await startEmulator();
    emulator = started.emulator;
    url = started.url;
    const banner = formatBanner(started);
    expect(banner).toContain(`export CONDUCTORONE_SERVER_URL='${started.url}'`);
    expect(banner).toContain(`export CONDUCTORONE_CLIENT_ID='${started.client.clientId}'`);
    expect(banner).toContain(`export CONDUCTORONE_CLIENT_SECRET='${started.client.clientSecret}'`);
    expect(banner).toMatch(/throwaway/i);
    expect(banner).toContain("user u-alice: Alice Anders <alice@example.com>");
    expect(banner).toContain("app app-payroll: connectors conn-okta, conn-workday");
    const res = await postForm(url, clientCredentialsForm(started.client, await signAssertion(started.client)));
    expect(res.status).toBe(200);
  });

  it("prints env lines that, pasted into a shell holding a real tenant's settings, leave only the emulator's", async () => {
    const started = await startEmulator();
    emulator = started.emulator;
    url = started.url;
    const realTenant = {
      CONDUCTORONE_ACCESS_TOKEN: "real-access-token",
      CONDUCTORONE_OIDC_TOKEN: "real-oidc-token",
      CONDUCTORONE_TENANT_DOMAIN: "acme",
      CONDUCTORONE_REQUEST_TIMEOUT_MS: "1",
    };
    // What a person pastes: the unset and export lines. They go in on stdin, the settings in the env.
    const pasted = formatBanner(started)
      .split("\n")
      .filter((line) => /^(unset|export) /.test(line));
    const script = `${pasted.join("\n")}\nenv | grep '^CONDUCTORONE_' | sort`;
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = execFile("bash", ["--noprofile", "--norc"], { env: { PATH: process.env.PATH, ...realTenant } }, (error, out) =>
        error ? reject(error) : resolve({ stdout: out }),
      );
      child.stdin!.end(script);
    });
    const left = Object.fromEntries(
      stdout
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(left).toEqual(started.env);
    const settings = resolveSettings(undefined, left);
    expect({ serverUrl: settings.serverUrl, auth: settings.auth.kind }).toEqual({ serverUrl: started.url, auth: "clientCredentials" });
  });
});
