import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../emulator";
import { findLeak, startTestEmulator } from "../support/provider-fixture";

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

describe("the serialized provider", () => {
  it("holds no credential even after configure and real calls cached a token", async () => {
    const { stdout } = await run(
      process.execPath,
      [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "-P", "tsconfig.json", "test/support/serialize-provider.ts"],
      { cwd: repo, env: { ...process.env, TEST_SERVER_URL: emulator.url, TEST_CLIENT_ID: clientId, TEST_CLIENT_SECRET: clientSecret }, maxBuffer: 16 * 1024 * 1024 },
    );
    // It really ran: an owner was created and a token issued, so there was something to leak.
    expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(true);
    expect(emulator.issuedTokens().length).toBeGreaterThan(0);
    expect(stdout).toContain("exports.handler");
    const secretKeyPart = clientSecret.slice("secret-token:conductorone.com:v1:".length);
    const privateKey = JSON.parse(Buffer.from(secretKeyPart, "base64url").toString("utf8")).d as string;
    expect(findLeak(stdout, [clientSecret, secretKeyPart, privateKey, ...emulator.issuedTokens()])).toBeUndefined();
    // No setting is captured either: they are read at call time.
    expect(stdout).not.toContain(emulator.url);
    expect(stdout).not.toContain(clientId);
  });
});
