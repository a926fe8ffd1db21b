import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { emulatorServerEnv, findLeak, startTestEmulator } from "../support/provider-fixture";

const run = promisify(execFile);
const repo = path.resolve(__dirname, "../..");

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

describe.each(["class", "module"])("the serialized provider (%s form)", (form) => {
  // Each form serializes its own provider, so either test also runs alone.
  let serialized: string;
  let createdOwner: boolean;
  let tokensIssued: number;

  beforeAll(async () => {
    const tokensBefore = emulator.issuedTokens().length;
    const { stdout } = await run(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "-P", "tsconfig.json", "test/support/serialize-provider.ts"],
      {
        cwd: repo,
        env: { ...process.env, PROVIDER_FORM: form, TEST_SERVER_URL: emulator.url, TEST_CLIENT_ID: clientId, TEST_CLIENT_SECRET: clientSecret },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    serialized = stdout;
    createdOwner = emulator.store.removeOwner("app-payroll", "conn-okta", "owner", "u-bob");
    tokensIssued = emulator.issuedTokens().length - tokensBefore;
  });

  it("holds no credential even after configure and real calls cached a token", () => {
    // It really ran: an owner was created and a token issued, so there was something to leak.
    expect(createdOwner).toBe(true);
    expect(tokensIssued).toBeGreaterThan(0);
    expect(serialized).toContain("exports.handler");
    const secretKeyPart = clientSecret.slice("secret-token:conductorone.com:v1:".length);
    const privateKey = JSON.parse(Buffer.from(secretKeyPart, "base64url").toString("utf8")).d as string;
    expect(findLeak(serialized, [clientSecret, secretKeyPart, privateKey, ...emulator.issuedTokens()])).toBeUndefined();
    // No setting is captured either: they are read at call time.
    expect(serialized).not.toContain(emulator.url);
    expect(serialized).not.toContain(clientId);
  });

  it("runs check, create, read and delete when loaded in a fresh process, as the engine loads it", async () => {
    const dir = await mkdtemp(path.join(repo, "node_modules", ".serialized-"));
    try {
      const file = path.join(dir, "provider.js");
      await writeFile(file, serialized);
      const env = { ...process.env, ...emulatorServerEnv(emulator), CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: clientSecret };
      const { stdout } = await run(process.execPath, [path.join(__dirname, "../support/run-serialized-provider.js"), file], { cwd: repo, env });
      const result = JSON.parse(stdout);
      expect(result.failures).toEqual([{ property: "roleSlug", reason: "roleSlug must not contain '/' (it is one segment of the C1 API path)" }]);
      expect(result.created.id).toBe("app-payroll/conn-workday/owner/u-carol");
      expect(result.read.props.user.email).toBe("carol@example.com");
      expect(result.goneId).toBeNull();
      expect(result.error).toMatchObject({ name: "C1ApiError", code: "C1_API_ERROR" });
      expect(result.error.message).toContain("failed: 404 Not Found: user not found");
      expect(emulator.store.listOwners({ connectorId: "conn-workday" })).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
