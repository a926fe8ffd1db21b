/**
 * The retry rules of the README's Configure section, through the provider's client over real HTTP:
 * which answers are retried, how long each wait is (between a lower and an upper bound), and
 * when the client gives up. Waits are measured between the emulator's arrival times; an upper
 * bound is the longest wait the rule allows plus SLACK_MS, for a loaded machine.
 */
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { C1ApiError, C1NetworkError, C1RateLimitedError, type ConnectorUserOwnerProvider } from "../../src/provider";
import { forgetPaces } from "../../src/provider/c1/pace";
import { caught, clientCredentialsConfig, configuredProvider, expectNoCredentialIn, startTestEmulator } from "../support/provider-fixture";

const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const ownerPath = "/api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice";
/** Added to every upper bound: timers, requests and the event loop run late on a busy machine. */
const SLACK_MS = 750;
/** Timers may fire a millisecond early, and arrival times are whole milliseconds. */
const EARLY_MS = 5;

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;

/** A client-credentials provider with the tests' fast retry tuning, and `extra` settings on top. */
function retryingProvider(extra: Record<string, string> = {}): Promise<ConnectorUserOwnerProvider> {
  return configuredProvider(clientCredentialsConfig(emulator, clientId, clientSecret, extra));
}

async function expectError(fn: () => Promise<unknown>, extraSecrets: string[] = []): Promise<Error> {
  const error = await caught(fn);
  expectNoCredentialIn(error, emulator, extraSecrets);
  return error;
}

function apiRequests() {
  return emulator.requests.filter((entry) => entry.kind === "api");
}

/** The time between one API request's arrival and the next one's, for each retry. */
function waitsMs(): number[] {
  const arrivals = apiRequests().map((entry) => Date.parse(entry.at));
  return arrivals.slice(1).map((at, index) => at - arrivals[index]);
}

/** Time since the first API request arrived: how long the retries took, token fetch left out. */
function msSinceFirstRequest(): number {
  return Date.now() - Date.parse(apiRequests()[0].at);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - started };
}

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  // One emulator serves every test: a 429 in one must not pace the next (the pace is per process and host).
  forgetPaces();
  emulator.reset();
  ({ clientId, clientSecret } = emulator.createClient("retries"));
});

afterEach(() => {
  emulator.faults.clear();
});

describe("waits a server asks for", () => {
  it("waits out Retry-After in seconds before retrying a 429", async () => {
    const provider = await retryingProvider();
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "Retry-After": "1" } });
    await provider.create(owner);
    expect(apiRequests().map((entry) => entry.status)).toEqual([429, 200]);
    const [wait] = waitsMs();
    expect(wait).toBeGreaterThanOrEqual(1000 - EARLY_MS);
    expect(wait).toBeLessThanOrEqual(1000 + SLACK_MS);
  });

  it("retries a 429 at the HTTP date Retry-After names", async () => {
    const provider = await retryingProvider();
    // A whole second, as HTTP dates have no fraction: at least 1.5 s away.
    const retryAt = Math.ceil((Date.now() + 1500) / 1000) * 1000;
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "Retry-After": new Date(retryAt).toUTCString() } });
    await provider.create(owner);
    const entries = apiRequests();
    expect(entries.map((entry) => entry.status)).toEqual([429, 200]);
    const arrived = Date.parse(entries[1].at);
    expect(arrived).toBeGreaterThanOrEqual(retryAt - EARLY_MS);
    expect(arrived).toBeLessThanOrEqual(retryAt + SLACK_MS);
  });

  it("honours retry-after-ms, and prefers it to Retry-After", async () => {
    const provider = await retryingProvider();
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "retry-after-ms": "600", "Retry-After": "3" } });
    await provider.create(owner);
    expect(apiRequests().map((entry) => entry.status)).toEqual([429, 200]);
    const [wait] = waitsMs();
    expect(wait).toBeGreaterThanOrEqual(600 - EARLY_MS);
    expect(wait).toBeLessThanOrEqual(600 + SLACK_MS);
  });

  it("waits out a 429's Retry-After longer than retryMaxDelayMs while the time budget allows it", async () => {
    const provider = await retryingProvider({ "conductorone:retryMaxDelayMs": "500" });
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "retry-after-ms": "1200" }, times: 1 });
    await provider.create(owner);
    expect(msSinceFirstRequest()).toBeGreaterThanOrEqual(1200);
    expect(apiRequests()).toHaveLength(2);
  });

  it("gives up at once, rate limited, naming the setting to raise, when Retry-After asks for more than the time budget", async () => {
    const provider = await retryingProvider({ "conductorone:retryMaxElapsedMs": "3000" });
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "Retry-After": "5" }, body: { code: 8, message: "slow down" }, times: Infinity });
    const error = await expectError(() => provider.create(owner));
    const ms = msSinceFirstRequest();
    expect(error).toBeInstanceOf(C1RateLimitedError);
    expect(error.message).toMatch(
      new RegExp(
        `^C1 API POST ${ownerPath} was rate limited: 429 Too Many Requests 1 time\\(s\\) over \\d+\\.\\d s, and the next wait would pass the time budget of 3000 ms\\. ` +
          "Raise conductorone:retryMaxElapsedMs \\(env CONDUCTORONE_RETRY_MAX_ELAPSED_MS\\), or run fewer operations at once \\(pulumi --parallel\\)\\.$",
      ),
    );
    expect((error as C1RateLimitedError).rateLimitedCount).toBe(1);
    expect(apiRequests()).toHaveLength(1);
    expect(ms).toBeLessThanOrEqual(SLACK_MS);
  });

  it("retries a 429 more times than maxRetries, while the time budget lasts: C1 did not do the request", async () => {
    const provider = await retryingProvider({ "conductorone:maxRetries": "1" });
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "retry-after-ms": "50" }, times: 4 });
    await provider.create(owner);
    expect(apiRequests()).toHaveLength(5);
    expect(emulator.store.listOwners()).toHaveLength(1);
  });
});

describe("exponential backoff", () => {
  // FAST_RETRY: base 100 ms, 3 retries. Retry n waits between half and all of 100 * 2^(n-1) ms.
  const bounds: Array<[min: number, max: number]> = [
    [50, 100],
    [100, 200],
    [200, 400],
  ];

  it.each([500, 502, 503, 504])("retries %i three times, each wait within its bounds and the third at least twice the first's longest", async (status) => {
    const provider = await retryingProvider();
    emulator.faults.add({ path: ownerPath, status, times: 3 });
    await provider.create(owner);
    expect(apiRequests().map((entry) => entry.status)).toEqual([status, status, status, 200]);
    const waits = waitsMs();
    waits.forEach((wait, index) => {
      expect(wait, `wait ${index + 1}`).toBeGreaterThanOrEqual(bounds[index][0] - EARLY_MS);
      expect(wait, `wait ${index + 1}`).toBeLessThanOrEqual(bounds[index][1] + SLACK_MS);
    });
    // Growth: without doubling, the third wait could be no longer than the first can be.
    expect(waits[2]).toBeGreaterThanOrEqual(2 * bounds[0][1] - EARLY_MS);
  });

  it("gives up after maxRetries with the last status and the attempt count", async () => {
    const provider = await retryingProvider();
    emulator.faults.add({ path: ownerPath, status: 503, body: { code: 14, message: "unavailable" }, times: Infinity });
    const error = await expectError(() => provider.create(owner));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toBe(`C1 API POST ${ownerPath} failed: 503 Service Unavailable: unavailable (after 4 attempts)`);
    expect((error as C1ApiError).attempts).toBe(4);
    expect(apiRequests()).toHaveLength(4);
    expect(emulator.store.listOwners()).toEqual([]);
  });

  it("starts no retry after retryMaxElapsedMs, however many retries are left", async () => {
    const provider = await retryingProvider({ "conductorone:maxRetries": "10", "conductorone:retryMaxElapsedMs": "1250" });
    // 500 ms per wait: retries at about 500 and 1000 ms; a third would start after 1250 ms.
    emulator.faults.add({ path: ownerPath, status: 429, headers: { "retry-after-ms": "500" }, times: Infinity });
    const error = await expectError(() => provider.create(owner));
    const ms = msSinceFirstRequest();
    expect(error).toBeInstanceOf(C1RateLimitedError);
    const attempts = (error as C1RateLimitedError).rateLimitedCount;
    expect(attempts).toBe(apiRequests().length);
    // 3 unless the machine is slow enough to push the second retry past the budget too.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
    // It gives up when the next wait would overrun the budget, instead of waiting it out first.
    expect(ms).toBeLessThanOrEqual(1250 + SLACK_MS);
  });
});

describe("answers that are not retried", () => {
  const rows: Array<[status: number, body: { code: number; message: string }, text: string]> = [
    [400, { code: 3, message: "invalid role slug" }, "400 Bad Request: invalid role slug"],
    [403, { code: 7, message: "permission denied" }, "403 Forbidden: permission denied"],
    [404, { code: 5, message: "user not found: u-alice" }, "404 Not Found: user not found: u-alice"],
  ];

  it.each(rows)("does not retry a %i", async (status, body, text) => {
    const provider = await retryingProvider();
    emulator.faults.add({ path: ownerPath, status, body, times: Infinity });
    const error = await expectError(() => provider.create(owner));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toBe(`C1 API POST ${ownerPath} failed: ${text}`);
    expect((error as C1ApiError).attempts).toBe(1);
    expect(apiRequests()).toHaveLength(1);
  });
});

describe("connection refused", () => {
  /** A port nothing listens on: one the OS just handed out and took back. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("retries a refused connection with backoff, then reports it with the attempt count", async () => {
    const token = emulator.issueAccessToken();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const provider = await configuredProvider({
      ...clientCredentialsConfig(emulator, clientId, clientSecret),
      "conductorone:serverUrl": url,
      "conductorone:allowCredentialsToHost": new URL(url).host,
      "conductorone:accessToken": token,
    });
    const { result: error, ms } = await timed(() => expectError(() => provider.create(owner), [token]));
    expect(error).toBeInstanceOf(C1NetworkError);
    expect(error.message).toBe(`C1 API POST ${ownerPath} failed: network error ECONNREFUSED (after 4 attempts)`);
    expect((error as C1NetworkError).attempts).toBe(4);
    // Three backoff waits: 50-100, 100-200 and 200-400 ms.
    expect(ms).toBeGreaterThanOrEqual(350 - EARLY_MS);
    expect(ms).toBeLessThanOrEqual(700 + SLACK_MS);
  });
});
