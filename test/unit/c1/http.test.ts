import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { C1InvalidResponseError, C1NetworkError } from "../../../src/provider/errors";
import { createHttpInstance, type HttpRequest, MAX_RESPONSE_BYTES, sendWithRetries } from "../../../src/provider/c1/http";
import { RequestPace } from "../../../src/provider/c1/pace";
import type { RetryPolicy } from "../../../src/provider/c1/retry";

// A server on 127.0.0.1 that misbehaves by path. Each dripping answer ends after DRIP_FOR_MS, so
// that a client without a hard deadline fails the test by succeeding rather than hanging.
const DRIP_EVERY_MS = 100;
const DRIP_FOR_MS = 15_000;

let server: Server;
let baseUrl: string;
let requests: string[] = [];
const drips = new Set<NodeJS.Timeout>();

function drip(response: ServerResponse): void {
  response.writeHead(200, { "Content-Type": "application/json" });
  response.write("{");
  const started = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - started < DRIP_FOR_MS) {
      response.write(" ");
      return;
    }
    clearInterval(timer);
    drips.delete(timer);
    response.end("}");
  }, DRIP_EVERY_MS);
  drips.add(timer);
  response.on("close", () => {
    clearInterval(timer);
    drips.delete(timer);
  });
}

function oversized(response: ServerResponse, status: number): void {
  // Chunked, without Content-Length: the limit must hold however the size is announced.
  response.writeHead(status, { "Content-Type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent <= MAX_RESPONSE_BYTES; sent += chunk.length) response.write(chunk);
  response.end("{}");
}

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(request.url ?? "");
    request.resume();
    if (request.url === "/drip") return drip(response);
    if (request.url === "/big") return oversized(response, 200);
    if (request.url === "/big-503") return oversized(response, 503);
    if (request.url === "/flaky" && requests.filter((url) => url === "/flaky").length === 1) return response.writeHead(503).end();
    response.writeHead(200, { "Content-Type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  requests = [];
  server.closeAllConnections();
});

afterAll(async () => {
  for (const timer of drips) clearInterval(timer);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 60_000, ...overrides });
const get = (path: string): HttpRequest => ({ method: "GET", url: `${baseUrl}${path}`, headers: {} });

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the request to fail");
}

describe("deadlines", () => {
  it("cuts off an answer that drips in slower than the request timeout, as a timeout", async () => {
    const started = Date.now();
    const error = await failureOf(sendWithRetries(createHttpInstance(1_000), get("/drip"), { method: "GET", path: "/drip" }, policy(), new RequestPace()));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(C1NetworkError);
    expect((error as C1NetworkError).networkCode).toBe("ETIMEDOUT");
    // Bytes arrive every 100 ms, so axios' idle timeout alone never fires.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(DRIP_FOR_MS / 3);
  });

  it("retries an attempt cut off at its deadline", async () => {
    const error = await failureOf(
      sendWithRetries(createHttpInstance(500), get("/drip"), { method: "GET", path: "/drip" }, policy({ maxRetries: 2 }), new RequestPace()),
    );
    expect((error as C1NetworkError).networkCode).toBe("ETIMEDOUT");
    expect((error as C1NetworkError).attempts).toBe(3);
    expect(requests).toEqual(["/drip", "/drip", "/drip"]);
  });

  it("lets no attempt run past the call's deadline", async () => {
    // Attempt 1 is cut off at 5 s; attempt 2 starts at once and would run to 10 s, but the call
    // ends at retryMaxElapsedMs, 5.2 s.
    const started = Date.now();
    const error = await failureOf(
      sendWithRetries(
        createHttpInstance(5_000),
        get("/drip"),
        { method: "GET", path: "/drip" },
        policy({ maxRetries: 10, maxElapsedMs: 5_200 }),
        new RequestPace(),
      ),
    );
    const elapsed = Date.now() - started;
    expect((error as C1NetworkError).networkCode).toBe("ETIMEDOUT");
    expect((error as C1NetworkError).attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(5_100);
    expect(elapsed).toBeLessThan(8_000);
  });

  it("gives the first attempt its full request timeout when retryMaxElapsedMs is shorter", async () => {
    const started = Date.now();
    await failureOf(sendWithRetries(createHttpInstance(1_500), get("/drip"), { method: "GET", path: "/drip" }, policy({ maxElapsedMs: 0 }), new RequestPace()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });
});

describe("response size limit", () => {
  it.each([
    ["a 200", "/big", 200],
    ["a retryable 503", "/big-503", 503],
  ])("refuses an oversized body of %s without retrying, naming the limit", async (_label, path, status) => {
    const error = await failureOf(
      sendWithRetries(createHttpInstance(10_000), get(path), { method: "GET", path }, policy({ maxRetries: 3 }), new RequestPace()),
    );
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toBe(`C1 API GET ${path} returned an invalid response (${status}): the body is over the 10 MiB response size limit`);
    expect(requests).toEqual([path]);
  });

  it("reads a body within the limit", async () => {
    const { response } = await sendWithRetries(createHttpInstance(10_000), get("/ok"), { method: "GET", path: "/ok" }, policy(), new RequestPace());
    expect(response).toMatchObject({ status: 200, body: "{}" });
  });
});

describe("requests built per attempt", () => {
  it("builds the request anew for every attempt", async () => {
    const built: number[] = [];
    const { response, attempts } = await sendWithRetries(
      createHttpInstance(10_000),
      async (attempt) => {
        built.push(attempt);
        return get(`/flaky`);
      },
      { method: "GET", path: "/flaky" },
      policy({ maxRetries: 3 }),
      new RequestPace(),
    );
    expect({ status: response.status, attempts, built }).toEqual({ status: 200, attempts: 2, built: [1, 2] });
  });
});
