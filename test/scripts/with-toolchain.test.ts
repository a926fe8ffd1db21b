/**
 * scripts/with-toolchain.sh's backend and passphrase: the empty passphrase is a default on the
 * repo's local demo backend only; on any other backend it refuses to run without a passphrase,
 * so a real stack's secrets are never encrypted with an empty one. It runs from a copy of the
 * scripts in a temp checkout, with stand-ins for `pulumi` and `node` on PATH (the system-toolchain
 * mode), so nothing is built and the demo backend is the temp checkout's own.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "../..");
/** What with-toolchain.sh runs, or sources, when PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1. */
const SCRIPTS = ["with-toolchain.sh", "ensure-toolchain.sh", "stage-in-repo-package.sh", "lib/node-pin.sh"];
/** Prints what the command sees: the backend, and the passphrase or "<unset>". */
const SHOW_ENV = 'printf "ran backend=%s passphrase=%s\\n" "$PULUMI_BACKEND_URL" "${PULUMI_CONFIG_PASSPHRASE-<unset>}"';

describe("with-toolchain.sh's backend and passphrase", () => {
  let checkout: string;
  let demoBackend: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    checkout = mkdtempSync(path.join(tmpdir(), "c1-with-toolchain-"));
    for (const script of SCRIPTS) cpSync(path.join(repo, "scripts", script), path.join(checkout, "scripts", script));
    const bin = path.join(checkout, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\nexit 0\n");
    writeFileSync(path.join(bin, "node"), "#!/bin/sh\necho 22\n"); // answers the major-version question
    for (const tool of ["pulumi", "node"]) chmodSync(path.join(bin, tool), 0o755);
    demoBackend = `file://${checkout}/.pulumi-state`;
    const outer = Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_") && !/^npm_/i.test(name));
    env = { ...Object.fromEntries(outer), PATH: `${bin}:/usr/bin:/bin`, PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN: "1" };
  });

  afterAll(() => {
    if (checkout) rmSync(checkout, { recursive: true, force: true });
  });

  function withToolchain(extra: NodeJS.ProcessEnv) {
    const result = spawnSync("bash", [path.join(checkout, "scripts/with-toolchain.sh"), "bash", "-c", SHOW_ENV], {
      encoding: "utf8",
      env: { ...env, ...extra },
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("uses the checkout's demo backend when PULUMI_BACKEND_URL is unset, with the empty passphrase", () => {
    const result = withToolchain({});
    expect(result.stderr).not.toContain("error");
    expect(result.stdout).toBe(`ran backend=${demoBackend} passphrase=\n`);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(checkout, ".pulumi-state"))).toBe(true);
  });

  it.each([
    { label: "the demo backend named explicitly", extra: () => ({ PULUMI_BACKEND_URL: demoBackend }), passphrase: "" },
    {
      label: "the demo backend with an explicitly empty passphrase",
      extra: () => ({ PULUMI_BACKEND_URL: demoBackend, PULUMI_CONFIG_PASSPHRASE: "" }),
      passphrase: "",
    },
    { label: "the demo backend with a passphrase of one's own", extra: () => ({ PULUMI_CONFIG_PASSPHRASE: "mine" }), passphrase: "mine" },
    {
      label: "another backend with a passphrase",
      extra: () => ({ PULUMI_BACKEND_URL: "s3://state/c1", PULUMI_CONFIG_PASSPHRASE: "mine" }),
      passphrase: "mine",
    },
    {
      label: "another backend with a passphrase file",
      extra: () => ({ PULUMI_BACKEND_URL: "s3://state/c1", PULUMI_CONFIG_PASSPHRASE_FILE: path.join(checkout, "passphrase") }),
      passphrase: "<unset>",
    },
    {
      label: "another backend, running without a passphrase allowed (a secrets provider)",
      extra: () => ({ PULUMI_BACKEND_URL: "https://api.pulumi.com", PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE: "1" }),
      passphrase: "<unset>",
    },
  ])("runs on $label, passing the passphrase on as it is", ({ extra, passphrase }) => {
    const settings: NodeJS.ProcessEnv = extra();
    const result = withToolchain(settings);
    expect(result.stderr).not.toContain("error");
    expect(result.stdout).toBe(`ran backend=${settings.PULUMI_BACKEND_URL ?? demoBackend} passphrase=${passphrase}\n`);
    expect(result.code).toBe(0);
  });

  it.each([
    { label: "another file backend", extra: () => ({ PULUMI_BACKEND_URL: `file://${checkout}/elsewhere` }) },
    { label: "an S3 backend", extra: () => ({ PULUMI_BACKEND_URL: "s3://state/c1" }) },
    { label: "Pulumi Cloud", extra: () => ({ PULUMI_BACKEND_URL: "https://api.pulumi.com" }) },
    {
      label: "another backend with an empty passphrase (a missing CI secret)",
      extra: () => ({ PULUMI_BACKEND_URL: "s3://state/c1", PULUMI_CONFIG_PASSPHRASE: "" }),
    },
    { label: "another backend with an empty passphrase file name", extra: () => ({ PULUMI_BACKEND_URL: "s3://state/c1", PULUMI_CONFIG_PASSPHRASE_FILE: "" }) },
  ])("refuses to run on $label without a passphrase, and says how to set one", ({ extra }) => {
    const result = withToolchain(extra());
    expect(result.stdout).toBe(""); // the command never ran
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`PULUMI_BACKEND_URL is not this repo's demo backend (${demoBackend})`);
    for (const way of ["PULUMI_CONFIG_PASSPHRASE_FILE=", "PULUMI_CONFIG_PASSPHRASE)", "--secrets-provider=", "PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE=1"]) {
      expect(result.stderr).toContain(way);
    }
  });

  it("does not print the backend URL it refuses, which may carry a credential", () => {
    const result = withToolchain({ PULUMI_BACKEND_URL: "postgres://pulumi:hunter2-db-password@db.internal/state" });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain("hunter2");
  });
});
