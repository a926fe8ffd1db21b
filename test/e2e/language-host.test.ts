/**
 * Our own Node.js language host (scripts/pulumi-toolchain/language-host), beyond what the other
 * end-to-end tests exercise: the engine asks a language host for more than `Run`.
 */
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2eStack, PROGRAMS, runProcess } from "./harness";

const PINNED_VERSION = readFileSync(path.resolve(__dirname, "../../.pulumi-version"), "utf8").trim();

let e2e: E2eStack;

beforeAll(async () => {
  e2e = await E2eStack.create({ programDir: PROGRAMS.noConfig, config: {} });
});

afterAll(async () => {
  await e2e?.dispose();
});

describe("the Node.js language host", () => {
  it("runs the program of a stack that has no config at all", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(result.outputs.greeting.value).toBe("hello from a stack without config");
  });

  it("answers `pulumi about` with its version and the program's Node.js", async () => {
    const about = await e2e.run(["about"]);
    expect(about.code, about.stdout + about.stderr).toBe(0);
    expect(about.stdout).toMatch(new RegExp(`language\\s+nodejs\\s+${PINNED_VERSION.replaceAll(".", "\\.")}`));
    expect(about.stdout).toMatch(/This project is written in nodejs: executable='[^']*node' version='22\.\d+\.\d+'/);
    expect(about.stdout + about.stderr).not.toMatch(/failed to get|unimplemented/i);
  });

  it("installs the program's dependencies for `pulumi install`", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "c1-install-"));
    try {
      // A program with one dependency npm can install offline: a package in the program's folder.
      await cp(PROGRAMS.noConfig, dir, { recursive: true });
      await mkdir(path.join(dir, "vendor", "greeting-words"), { recursive: true });
      await writeFile(path.join(dir, "vendor", "greeting-words", "package.json"), JSON.stringify({ name: "greeting-words", version: "1.0.0" }));
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      await writeFile(path.join(dir, "package.json"), JSON.stringify({ ...manifest, dependencies: { "greeting-words": "file:./vendor/greeting-words" } }));
      const install = await runProcess("pulumi", ["install", "--cwd", dir, "--non-interactive", "--color", "never"], { env: { ...process.env, ...e2e.env } });
      expect(install.code, install.output).toBe(0);
      expect(install.output).toContain("Finished installing dependencies");
      expect(existsSync(path.join(dir, "node_modules", "greeting-words", "package.json"))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
