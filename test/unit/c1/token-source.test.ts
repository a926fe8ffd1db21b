import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { importJWK, jwtVerify } from "jose";
import { forgetPaces } from "../../../src/provider/c1/pace";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { C1AuthError, C1SettingsError } from "../../../src/provider/errors";
import { createHttpInstance } from "../../../src/provider/c1/http";
import type { RetryPolicy } from "../../../src/provider/c1/retry";
import type { AuthSettings } from "../../../src/provider/c1/settings";
import { createTokenSource, type FetchedToken, RefreshingTokenSource, StaticTokenSource, type TokenSource } from "../../../src/provider/c1/token-source";

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A fetch function that hands out tok-1, tok-2, ... valid until `expiresAt`, counting its calls. */
function countingFetch(expiresAt = Number.POSITIVE_INFINITY) {
  const fetch = { calls: 0, fetchToken: async (): Promise<FetchedToken> => ({ accessToken: `tok-${++fetch.calls}`, expiresAt }) };
  return fetch;
}

describe("static token source", () => {
  it("uses the given token as-is and cannot replace it", async () => {
    const source: TokenSource = new StaticTokenSource(" exact-token ");
    expect(await source.getToken()).toBe(" exact-token ");
    expect(source.invalidate(" exact-token ")).toBe(false);
    expect(await source.getToken()).toBe(" exact-token ");
  });

  it("is what an access token setting gives, without any request", async () => {
    // Nothing listens on port 1: any request would fail.
    const source = createTokenSource({ kind: "accessToken", accessToken: "tok-static" }, "http://127.0.0.1:1", createHttpInstance(1000), {
      maxRetries: 0,
      baseDelayMs: 1,
      maxDelayMs: 1,
      maxElapsedMs: 1,
    });
    expect(source).toBeInstanceOf(StaticTokenSource);
    expect(await source.getToken()).toBe("tok-static");
  });
});

describe("refreshing token source", () => {
  it("fetches once for concurrent callers and gives them all that token", async () => {
    const answer = deferred<FetchedToken>();
    let calls = 0;
    const source = new RefreshingTokenSource(() => {
      calls++;
      return answer.promise;
    });
    const tokens = Promise.all(Array.from({ length: 10 }, () => source.getToken()));
    answer.resolve({ accessToken: "tok-1", expiresAt: Number.POSITIVE_INFINITY });
    expect(await tokens).toEqual(Array(10).fill("tok-1"));
    expect(calls).toBe(1);
  });

  it("reuses the token until its expiry time, then fetches a new one", async () => {
    let now = 0;
    const fetch = countingFetch();
    const source = new RefreshingTokenSource(
      async () => ({ ...(await fetch.fetchToken()), expiresAt: now + 1000 }),
      () => now,
    );
    expect(await source.getToken()).toBe("tok-1");
    now = 999;
    expect(await source.getToken()).toBe("tok-1");
    expect(fetch.calls).toBe(1);
    now = 1000;
    expect(await source.getToken()).toBe("tok-2");
    expect(fetch.calls).toBe(2);
  });

  it("fetches exactly one new token for all callers after the current one is invalidated", async () => {
    const fetch = countingFetch();
    const source = new RefreshingTokenSource(fetch.fetchToken);
    expect(await source.getToken()).toBe("tok-1");
    expect(source.invalidate("tok-1")).toBe(true);
    expect(await Promise.all([source.getToken(), source.getToken(), source.getToken()])).toEqual(["tok-2", "tok-2", "tok-2"]);
    expect(fetch.calls).toBe(2);
  });

  it("keeps the new token when a late 401 invalidates the one it replaced", async () => {
    const fetch = countingFetch();
    const source = new RefreshingTokenSource(fetch.fetchToken);
    await source.getToken();
    source.invalidate("tok-1");
    expect(await source.getToken()).toBe("tok-2");
    source.invalidate("tok-1");
    expect(await source.getToken()).toBe("tok-2");
    expect(fetch.calls).toBe(2);
  });

  it("gives a failed fetch to every caller waiting on it, then tries again on the next call", async () => {
    const failure = new C1AuthError("could not get a C1 access token: 503");
    let calls = 0;
    const source = new RefreshingTokenSource(async () => {
      calls++;
      if (calls === 1) throw failure;
      return { accessToken: "tok-2", expiresAt: Number.POSITIVE_INFINITY };
    });
    const results = await Promise.allSettled([source.getToken(), source.getToken(), source.getToken()]);
    expect(results).toEqual(Array(3).fill({ status: "rejected", reason: failure }));
    expect(calls).toBe(1);
    expect(await source.getToken()).toBe("tok-2");
    expect(calls).toBe(2);
  });
});

// The token endpoint over real HTTP on 127.0.0.1: createTokenSource only speaks HTTP through axios.

type Answer = { status: number; body: string; headers?: Record<string, string> };

const noRetries: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 5000 };
const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
const clientSecret = `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`;
const clientCredentials: AuthSettings = { kind: "clientCredentials", clientId: "bench-client@acme.conductor.one/pcc", clientSecret };
const oidcExchange: AuthSettings = { kind: "oidcTokenExchange", clientId: "gh-client@acme.conductor.one/pcc", oidcToken: "eyJ.OIDC-SUBJECT-TOKEN.sig" };

const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const issued = (accessToken: string, expiresIn?: unknown) => json(200, { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn });

let server: Server;
let serverUrl: string;
let answers: Answer[] = [];
let requests: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"]; form: URLSearchParams; body: string }> = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, form: new URLSearchParams(body), body });
      const answer = answers.length > 1 ? answers.shift()! : (answers[0] ?? json(500, { error: "no answer set" }));
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  // One server serves every test: a 429 in one must not pace the next (pace.ts is per process).
  forgetPaces();
  answers = [];
  requests = [];
  vi.restoreAllMocks();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sourceFor = (auth: AuthSettings, retry: RetryPolicy = noRetries, url = serverUrl) => createTokenSource(auth, url, createHttpInstance(5000), retry);

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the token fetch to fail");
}

describe("token fetching from the token endpoint", () => {
  it("sends client credentials as a signed assertion for the server's host, never the secret", async () => {
    answers = [issued("tok-cc", 3600)];
    expect(await sourceFor(clientCredentials).getToken()).toBe("tok-cc");
    expect(requests).toHaveLength(1);
    const [{ method, url, headers, form, body }] = requests;
    expect({ method, url, contentType: headers["content-type"] }).toEqual({
      method: "POST",
      url: "/auth/v1/token",
      contentType: "application/x-www-form-urlencoded",
    });
    expect([...form.keys()].sort()).toEqual(["client_assertion", "client_assertion_type", "client_id", "grant_type"]);
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("client_id")).toBe(clientCredentials.clientId);
    expect(form.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const publicKey = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, "EdDSA");
    const { payload } = await jwtVerify(form.get("client_assertion")!, publicKey, { audience: "127.0.0.1" });
    expect({ iss: payload.iss, sub: payload.sub }).toEqual({ iss: clientCredentials.clientId, sub: clientCredentials.clientId });
    expect(body).not.toContain(clientSecret.slice("secret-token:conductorone.com:v1:".length));
    expect(body).not.toContain(jwk.d);
  });

  it("signs a fresh assertion for every fetch", async () => {
    answers = [issued("tok-1", 3600), issued("tok-2", 3600)];
    const source = sourceFor(clientCredentials);
    await source.getToken();
    source.invalidate("tok-1");
    expect(await source.getToken()).toBe("tok-2");
    const [first, second] = requests.map((request) => request.form.get("client_assertion"));
    expect(first).not.toBe(second);
  });

  it("signs a fresh assertion for every retried attempt of one fetch", async () => {
    answers = [json(503, {}), json(429, {}), issued("tok-1", 3600)];
    const retries: RetryPolicy = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 5000 };
    expect(await sourceFor(clientCredentials, retries).getToken()).toBe("tok-1");
    const assertions = requests.map((request) => request.form.get("client_assertion"));
    expect(assertions).toHaveLength(3);
    expect(new Set(assertions).size).toBe(3);
  });

  it("exchanges an OIDC token for a C1 token", async () => {
    answers = [issued("tok-oidc", 3600)];
    expect(await sourceFor(oidcExchange).getToken()).toBe("tok-oidc");
    expect(Object.fromEntries(requests[0].form)).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: "eyJ.OIDC-SUBJECT-TOKEN.sig",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      client_id: oidcExchange.clientId,
    });
  });

  it("asks the token endpoint once for concurrent callers", async () => {
    answers = [issued("tok-1", 3600), issued("tok-2", 3600)];
    const source = sourceFor(clientCredentials);
    expect(new Set(await Promise.all(Array.from({ length: 10 }, () => source.getToken())))).toEqual(new Set(["tok-1"]));
    expect(requests).toHaveLength(1);
  });

  it("fetches one new token after C1 refuses the current one", async () => {
    answers = [issued("tok-1", 3600), issued("tok-2", 3600), issued("tok-3", 3600)];
    const source = sourceFor(oidcExchange);
    expect(await source.getToken()).toBe("tok-1");
    expect(source.invalidate("tok-1")).toBe(true);
    expect(await Promise.all([source.getToken(), source.getToken()])).toEqual(["tok-2", "tok-2"]);
    expect(requests).toHaveLength(2);
  });

  const lifetimes: Array<[label: string, expiresIn: unknown, refreshAfterMs: number]> = [
    ["an hour's token a minute before it expires", 3600, 3_540_000],
    ["a two-minute token a minute before it expires", 120, 60_000],
    ["a one-minute token half-way through its life", 60, 30_000],
    ["a one-second token half-way through its life", 1, 500],
    ["a token without expires_in as if it lasted ten minutes", undefined, 540_000],
    ["a token with expires_in 0 as if it lasted ten minutes", 0, 540_000],
    ["a token with a negative expires_in as if it lasted ten minutes", -5, 540_000],
    ["a token with a string expires_in as if it lasted ten minutes", "3600", 540_000],
  ];

  it.each(lifetimes)("refreshes %s", async (_label, expiresIn, refreshAfterMs) => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const start = now;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    answers = [issued("tok-1", expiresIn), issued("tok-2", expiresIn)];
    const source = sourceFor(clientCredentials);
    expect(await source.getToken()).toBe("tok-1");
    now = start + refreshAfterMs - 1;
    expect(await source.getToken()).toBe("tok-1");
    expect(requests).toHaveLength(1);
    now = start + refreshAfterMs;
    expect(await source.getToken()).toBe("tok-2");
    expect(requests).toHaveLength(2);
  });
});

describe("token fetch failures", () => {
  const endpoint = "POST /auth/v1/token";
  const failures: Array<[label: string, auth: AuthSettings, answers: Answer[], retry: RetryPolicy, message: string, status: number | undefined]> = [
    [
      "a refused client assertion",
      clientCredentials,
      [json(401, { error: "invalid_client", error_description: "client assertion rejected" })],
      noRetries,
      `could not get a C1 access token (client credentials for client ${clientCredentials.clientId}): ${endpoint} failed: 401 Unauthorized: invalid_client: client assertion rejected`,
      401,
    ],
    [
      "a refused OIDC token",
      oidcExchange,
      [json(400, { error: "invalid_grant" })],
      noRetries,
      `could not get a C1 access token (OIDC token exchange for client ${oidcExchange.clientId}): ${endpoint} failed: 400 Bad Request: invalid_grant`,
      400,
    ],
    [
      "an error page that is not JSON",
      clientCredentials,
      [{ status: 403, body: "<html>Forbidden by proxy</html>" }],
      noRetries,
      `could not get a C1 access token (client credentials for client ${clientCredentials.clientId}): ${endpoint} failed: 403 Forbidden`,
      403,
    ],
    [
      "a 503 that outlasts the retries",
      clientCredentials,
      [json(503, {})],
      { ...noRetries, maxRetries: 2 },
      `could not get a C1 access token (client credentials for client ${clientCredentials.clientId}): ${endpoint} failed: 503 Service Unavailable (after 3 attempts)`,
      503,
    ],
    [
      "a 200 that is not JSON",
      clientCredentials,
      [{ status: 200, body: "OK" }],
      noRetries,
      `C1 token endpoint ${endpoint} returned 200 with a body that is not JSON`,
      200,
    ],
    [
      "a 200 without access_token",
      oidcExchange,
      [json(200, { token_type: "Bearer" })],
      noRetries,
      `C1 token endpoint ${endpoint} returned 200 without an access_token`,
      200,
    ],
    [
      "a 200 with an empty access_token",
      oidcExchange,
      [json(200, { access_token: "" })],
      noRetries,
      `C1 token endpoint ${endpoint} returned 200 without an access_token`,
      200,
    ],
    [
      "a 200 with a numeric access_token",
      oidcExchange,
      [json(200, { access_token: 42 })],
      noRetries,
      `C1 token endpoint ${endpoint} returned 200 without an access_token`,
      200,
    ],
    [
      "a 200 with a null body",
      clientCredentials,
      [{ status: 200, body: "null" }],
      noRetries,
      `C1 token endpoint ${endpoint} returned 200 without an access_token`,
      200,
    ],
  ];

  it.each(failures)("reports %s as an auth error that says what failed", async (_label, auth, given, retry, message, status) => {
    answers = given;
    const error = await failureOf(sourceFor(auth, retry).getToken());
    expect(error).toBeInstanceOf(C1AuthError);
    expect(error.message).toBe(message);
    expect((error as C1AuthError).status).toBe(status);
  });

  it.each(failures)("never puts a credential in the error for %s", async (_label, auth, given, retry) => {
    answers = given;
    const error = await failureOf(sourceFor(auth, retry).getToken());
    const sent = requests
      .flatMap((request) => [request.form.get("client_assertion"), request.form.get("subject_token")])
      .filter((value): value is string => !!value);
    expect(sent.length).toBeGreaterThan(0);
    assertNoCredentialIn(error, sent);
  });

  it.each([
    ["client credentials", clientCredentials],
    ["an OIDC token exchange", oidcExchange],
  ])("reports a token endpoint that does not answer %s, without the credentials", async (_label, auth) => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failureOf(sourceFor(auth, noRetries, url).getToken());
    expect(error).toBeInstanceOf(C1AuthError);
    expect(error.message).toBe("could not get a C1 access token: C1 API POST /auth/v1/token failed: network error ECONNREFUSED");
    assertNoCredentialIn(error, []);
  });

  it("refuses a malformed client secret before sending anything", async () => {
    const broken = `secret-token:conductorone.com:v1:${Buffer.from('{"kty":"RSA","d":"TOPSECRET"}').toString("base64url")}`;
    const error = await failureOf(sourceFor({ ...clientCredentials, clientSecret: broken }).getToken());
    expect(error).toBeInstanceOf(C1SettingsError);
    expect(requests).toHaveLength(0);
    for (const text of [String(error), JSON.stringify(error), error.stack ?? ""]) {
      expect(text).not.toContain(broken.slice("secret-token:conductorone.com:v1:".length));
      expect(text).not.toContain("TOPSECRET");
    }
  });
});

function assertNoCredentialIn(error: Error, sent: string[]): void {
  const credentials = [
    clientSecret,
    clientSecret.slice("secret-token:conductorone.com:v1:".length),
    jwk.d!,
    (oidcExchange as { oidcToken: string }).oidcToken,
    ...sent,
  ];
  for (const text of [String(error), JSON.stringify(error), error.stack ?? "", JSON.stringify(Object.entries(error))]) {
    for (const credential of credentials) expect(text).not.toContain(credential);
    // A signed client assertion is a credential too, even one the test never saw.
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  }
}
