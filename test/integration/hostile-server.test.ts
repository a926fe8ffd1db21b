// The providers against a server that pretends to be C1 and misbehaves: it drips its answers,
// sends more than anyone should read, hands out unsafe ids and terminal escapes, or pages for
// ever. Real HTTP on 127.0.0.1; the emulator cannot misbehave in these ways.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { C1ApiError, C1InvalidResponseError, C1NetworkError, ConnectorUserOwnerProvider, ConnectorUserOwnersProvider } from "../../src/provider";
import { caught, stackConfig } from "../support/provider-fixture";

const ACCESS_TOKEN = "hostile-test-access-token";
const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
const ESC = "\u001b";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let serverUrl: string;
let handler: Handler;
let requests: string[] = [];
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  requests = [];
  for (const timer of timers) clearInterval(timer);
  timers.clear();
  server.closeAllConnections();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));

async function provider<P extends ConnectorUserOwnerProvider | ConnectorUserOwnersProvider>(make: () => P, extra: Record<string, string> = {}): Promise<P> {
  const created = make();
  await created.configure({
    config: stackConfig({
      "conductorone:serverUrl": serverUrl,
      "conductorone:allowCredentialsToHost": new URL(serverUrl).host,
      "conductorone:accessToken": ACCESS_TOKEN,
      "conductorone:maxRetries": "1",
      "conductorone:retryBaseDelayMs": "1",
      "conductorone:retryMaxDelayMs": "1",
      ...extra,
    }),
  });
  return created;
}

const ownerProvider = (extra?: Record<string, string>) => provider(() => new ConnectorUserOwnerProvider(), extra);
const setProvider = (extra?: Record<string, string>) => provider(() => new ConnectorUserOwnersProvider(), extra);

describe("a slow server", () => {
  it("cuts off an answer dripping in byte by byte at requestTimeoutMs, retries it, then fails as a timeout", async () => {
    // A byte every 100 ms keeps any idle timeout from firing; the answer would be complete after 20 s.
    handler = (_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(`{"connectorOwnerUser":{"user":{"id":"u-alice"}}`);
      const started = Date.now();
      const timer = setInterval(() => (Date.now() - started < 20_000 ? response.write(" ") : response.end("}")), 100);
      timers.add(timer);
    };
    const reader = await ownerProvider({ "conductorone:requestTimeoutMs": "1000" });
    const started = Date.now();
    const error = await caught(() => reader.read("app-payroll/conn-okta/owner/u-alice"));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(C1NetworkError);
    expect(error.message).toBe(
      "C1 API GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice failed: network error ETIMEDOUT (after 2 attempts)",
    );
    expect(requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe("an oversized answer", () => {
  it("is refused after the limit is read, not retried, and the error names the limit", async () => {
    handler = (_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(`{"connectorOwnerUser":{"user":{"id":"u-alice","displayName":"`);
      const chunk = "x".repeat(64 * 1024);
      for (let sent = 0; sent < 11 * 1024 * 1024; sent += chunk.length) response.write(chunk);
      response.end(`"}}}`);
    };
    const reader = await ownerProvider({ "conductorone:maxRetries": "3" });
    const error = await caught(() => reader.read("app-payroll/conn-okta/owner/u-alice"));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toBe(
      "C1 API GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice returned an invalid response (200): the body is over the 10 MiB response size limit",
    );
    expect(requests).toHaveLength(1);
  });
});

describe("unsafe values from the server", () => {
  const listing = (listed: unknown[]): Handler => {
    return (request, response) => {
      if (request.method === "GET") return sendJson(response, 200, { list: listed, nextPageToken: "" });
      sendJson(response, 200, { connectorOwnerUser: { user: { id: "u-alice" } } });
    };
  };
  const unsafe: Array<[label: string, listed: object, problem: string]> = [
    ["a user id of '..'", { user: { id: ".." } }, `an owner's user id ".." must not be '..' (a relative path segment)`],
    ["a user id with a '/'", { user: { id: "../../apps" } }, `an owner's user id "../../apps" must not contain '/'`],
    [
      "a user id with a terminal escape",
      { user: { id: `u-${ESC}[31mmallory` } },
      `an owner's user id "u-\\u001b[31mmallory" must not contain control characters`,
    ],
    ["a role slug of '.'", { roleSlug: ".", user: { id: "u-bob" } }, `an owner's roleSlug "." must not be '.'`],
  ];

  it.each(unsafe)("refuses a listed owner with %s before acting on the listing", async (_label, listed, problem) => {
    handler = listing([
      { roleSlug: "owner", user: { id: "u-alice" } },
      { roleSlug: "owner", ...listed },
    ]);
    const sets = await setProvider();
    // Exclusive: without the check, the unlisted owner would be DELETEd at a path built from its id.
    const error = await caught(() => sets.create({ ...role, userIds: ["u-alice"] }));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain(ESC);
    expect(requests.map((request) => request.split(" ")[0])).toEqual(["GET"]);
  });

  it("prints C1's error message without its terminal escapes and line breaks", async () => {
    handler = (_request, response) =>
      sendJson(response, 403, { code: 7, message: `${ESC}]0;owned${ESC}\\${ESC}[2K${ESC}[31mpermission denied${ESC}[0m\nERROR: forged line` });
    const reader = await ownerProvider();
    const error = await caught(() => reader.read("app-payroll/conn-okta/owner/u-alice"));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toBe(
      "C1 API GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-alice failed: 403 Forbidden: permission denied ERROR: forged line",
    );
    expect((error as C1ApiError).apiMessage).toBe("permission denied ERROR: forged line");
  });
});

describe("a listing that never ends", () => {
  it("stops after 1,000 pages with an error instead of paging for ever", async () => {
    let page = 0;
    handler = (_request, response) => sendJson(response, 200, { list: [], nextPageToken: `page-${++page}` });
    const sets = await setProvider();
    const error = await caught(() => sets.create({ ...role, userIds: ["u-alice"] }));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toBe(
      "C1 API GET /api/v2/apps/app-payroll/connectors/conn-okta/owners/users returned an invalid response (200): more than 1000 pages (page_size 100): C1 kept returning a nextPageToken",
    );
    expect(requests).toHaveLength(1_000);
  });

  it("stops past 100,000 listed owners, however few pages carry them", async () => {
    const crowd = Array.from({ length: 100_001 }, (_, index) => ({ roleSlug: "owner", user: { id: `u-${index}` } }));
    handler = (_request, response) => sendJson(response, 200, { list: crowd, nextPageToken: "" });
    const error = await caught(async () => (await setProvider()).create({ ...role, userIds: ["u-alice"] }));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toContain("returned an invalid response (200): more than 100000 owners listed");
    expect(requests).toHaveLength(1);
  });
});

describe("a user lookup answered with garbage", () => {
  it("fails the check as an invalid response, naming the request, when the body has no user", async () => {
    handler = (_request, response) => sendJson(response, 200, { userView: {} });
    const error = await caught(async () => (await setProvider()).check(undefined, { ...role, userIds: ["u-alice"] }));
    expect(error).toBeInstanceOf(C1InvalidResponseError);
    expect(error.message).toContain("GET /api/v1/users/u-alice returned an invalid response (200): the body has no userView.user object");
    expect(requests).toEqual(["GET /api/v1/users/u-alice"]);
  });
});

describe("a lone surrogate in the program's input", () => {
  const reason = "must be valid Unicode text (it contains half of a surrogate pair)";

  it.each([
    ["a high surrogate alone", "u-\ud800"],
    ["a low surrogate alone", "\udc00-u"],
    ["a pair in the wrong order", "u-\udc00\ud800"],
  ])("is a check failure for an owner's key, %s", async (_label, userId) => {
    const checked = await (await ownerProvider()).check({}, { ...owner, userId });
    expect(checked.failures).toEqual([{ property: "userId", reason: `userId ${reason}` }]);
  });

  it("is a check failure for a set's user id", async () => {
    const checked = await (await setProvider()).check({}, { ...role, userIds: ["u-alice", "u-\ud83d"] });
    expect(checked.failures).toEqual([{ property: "userIds", reason: `userIds[1] ${reason}` }]);
  });

  it("is accepted as part of a whole pair (an emoji), and the new owner is looked up at its encoded path", async () => {
    handler = (_request, response) => sendJson(response, 200, { userView: { user: { id: "u-\ud83d\udd11", status: "ENABLED" } } });
    const checked = await (await ownerProvider()).check({}, { ...owner, userId: "u-\ud83d\udd11" });
    expect(checked.failures ?? []).toEqual([]);
    expect(requests).toEqual(["GET /api/v1/users/u-%F0%9F%94%91"]);
  });
});
