/**
 * Stack config wins over env, and a pull request can change stack config. Here a CI job's
 * credentials are in the env, pointed at the emulator (and allowed there), as a workflow sets
 * them; then stack config points the provider somewhere else: at a local server that records
 * everything reaching it. Nothing may reach it, and nothing may reach the emulator either: the
 * provider refuses before any request, token exchange or API call.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { C1SettingsError } from "../../src/provider";
import { caught, configuredProvider, emulatorServerEnv, expectNoCredentialIn, FAST_RETRY, startTestEmulator } from "../support/provider-fixture";

const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const allowSetting = "conductorone:allowCredentialsToHost (CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST)";

/** An HTTP server on 127.0.0.1 that records every request and refuses it as a token endpoint would. */
class RecordingServer {
  readonly requests: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
  private server?: Server;

  async listen(): Promise<number> {
    this.server = createServer((request: IncomingMessage, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        this.requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body });
        response.writeHead(400, { "Content-Type": "application/json" }).end('{"error":"invalid_client"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;
let recorder: RecordingServer;
let recorderPort: number;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
  recorder = new RecordingServer();
  recorderPort = await recorder.listen();
});

afterAll(async () => {
  await recorder.close();
  await emulator.close();
});

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith("CONDUCTORONE_")) delete process.env[name];
  emulator.reset();
  recorder.requests.length = 0;
});

afterEach(() => {
  process.env = savedEnv;
});

/** The env of a CI job for each way to authenticate: the emulator's URL, allowed, and the credential. */
const jobEnvs: Record<string, () => Record<string, string>> = {
  "client credentials": () => ({ ...emulatorServerEnv(emulator), CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: clientSecret }),
  "an OIDC token": () => ({ ...emulatorServerEnv(emulator), CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_OIDC_TOKEN: emulator.issueOidcToken(clientId) }),
  "a static access token": () => ({ ...emulatorServerEnv(emulator), CONDUCTORONE_ACCESS_TOKEN: emulator.issueAccessToken() }),
};

describe.each(Object.keys(jobEnvs))("a CI job holding %s", (credential) => {
  beforeEach(() => {
    Object.assign(process.env, jobEnvs[credential]!());
  });

  it("works against the emulator the env names (so the refusals below are the check's doing)", async () => {
    const provider = await configuredProvider({ ...FAST_RETRY });
    await provider.create(owner);
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-alice")).toBe(true);
  });

  it("sends nothing to another host that stack config names as the server", async () => {
    const provider = await configuredProvider({ "conductorone:serverUrl": `http://127.0.0.1:${recorderPort}`, ...FAST_RETRY });
    const error = await caught(() => provider.create(owner));
    expectNoCredentialIn(error, emulator);
    expect(error).toBeInstanceOf(C1SettingsError);
    expect(error.message).toContain(`refusing to send C1 credentials to 127.0.0.1:${recorderPort}`);
    expect(error.message).toContain(allowSetting);
    expect(recorder.requests).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });

  it("reaches that host once stack config also lists it in allowCredentialsToHost, the setting reviewers must notice", async () => {
    const provider = await configuredProvider({
      "conductorone:serverUrl": `http://127.0.0.1:${recorderPort}`,
      "conductorone:allowCredentialsToHost": `127.0.0.1:${recorderPort}`,
      ...FAST_RETRY,
    });
    await caught(() => provider.create(owner));
    expect(recorder.requests.length).toBeGreaterThan(0);
  });
});

describe("server URLs refused before any request", () => {
  beforeEach(() => {
    Object.assign(process.env, jobEnvs["client credentials"]!());
  });

  it("reaches the recording server through 0.0.0.0, a host that is not loopback by the provider's rule", async () => {
    // Linux and macOS connect 0.0.0.0 to the local machine: a plain http request there would arrive.
    const response = await fetch(`http://0.0.0.0:${recorderPort}/probe`);
    expect(response.status).toBe(400);
    expect(recorder.requests.map((request) => request.url)).toEqual(["/probe"]);
  });

  const refused: Array<[label: string, serverUrl: () => string, message: () => string]> = [
    [
      "plain http to a host that is not loopback, even when allowed",
      () => `http://0.0.0.0:${recorderPort}`,
      () => "conductorone:serverUrl (CONDUCTORONE_SERVER_URL) must use https:// for 0.0.0.0",
    ],
    ["user info", () => `http://user:TOPSECRETPW@127.0.0.1:${recorderPort}`, () => "must not contain user info"],
    ["a query", () => `http://127.0.0.1:${recorderPort}?next=1`, () => "must not have a query or fragment"],
    ["a path", () => `http://127.0.0.1:${recorderPort}/proxy`, () => "must not have a path"],
  ];

  it.each(refused)("refuses %s and sends nothing", async (_label, serverUrl, message) => {
    const allowed = new URL(serverUrl()).host;
    const provider = await configuredProvider({ "conductorone:serverUrl": serverUrl(), "conductorone:allowCredentialsToHost": allowed, ...FAST_RETRY });
    const error = await caught(() => provider.create(owner));
    expect(error).toBeInstanceOf(C1SettingsError);
    expect(error.message).toContain(message());
    expect(error.message).not.toContain("TOPSECRETPW");
    expect(recorder.requests).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });
});
