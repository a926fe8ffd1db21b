/**
 * The Node.js pin of scripts/ensure-toolchain.sh: an exact version and the SHA-256 of its binary,
 * committed in scripts/lib/node-pin.sh. The pinned binary passes, any other file is refused, and a
 * download that does not match fails and leaves nothing installed. The install runs with a
 * stand-in for npm on PATH, so only the one real download (already cached on a warm machine) is
 * the pinned package itself.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "../..");
const ENSURE_TOOLCHAIN = path.join(repo, "scripts/ensure-toolchain.sh");
const ARCH = process.arch === "arm64" ? "arm64" : "x64";

/** The values committed in scripts/lib/node-pin.sh. */
function readNodePin(): { version: string; sha256: Record<string, string> } {
  const text = readFileSync(path.join(repo, "scripts/lib/node-pin.sh"), "utf8");
  const value = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(text)?.[1] ?? "";
  return { version: value("node_pinned_version"), sha256: { x64: value("node_pinned_sha256_x64"), arm64: value("node_pinned_sha256_arm64") } };
}

const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function flipLastByte(bytes: Buffer): Buffer {
  bytes[bytes.length - 1]! ^= 0xff;
  return bytes;
}

function ensureToolchain(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync("bash", [ENSURE_TOOLCHAIN, ...args], { encoding: "utf8", env, timeout: 300_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The directories of the `export PATH=...` line ensure-toolchain prints. */
function pathEntries(stdout: string): string[] {
  const line = /^export PATH=(.*):"\$PATH"$/m.exec(stdout)?.[1];
  if (line === undefined) throw new Error(`no export PATH line in ${JSON.stringify(stdout)}`);
  return line.split(":");
}

/**
 * A stand-in for `npm install --prefix DIR PKG@VERSION`: writes DIR/node_modules/PKG/bin/node as
 * a copy of $FAKE_NODE_SOURCE, or as a small script that is not Node.js, and records PKG@VERSION.
 */
const FAKE_NPM = `#!/usr/bin/env bash
set -euo pipefail
prefix="" spec=""
while (($#)); do
  case "$1" in
  --prefix) prefix=$2; shift 2 ;;
  -*) shift ;;
  install) shift ;;
  *) spec=$1; shift ;;
  esac
done
echo "$spec" >>"$FAKE_NPM_LOG"
bin="$prefix/node_modules/\${spec%@*}/bin"
mkdir -p "$bin"
if [[ -n "\${FAKE_NODE_SOURCE:-}" ]]; then
  cp "$FAKE_NODE_SOURCE" "$bin/node"
else
  printf '#!/bin/sh\\necho v${readNodePin().version}\\n' >"$bin/node"
fi
chmod +x "$bin/node"
`;

describe("the pinned Node.js of ensure-toolchain.sh", () => {
  const pin = readNodePin();
  let pinnedNode: string;
  let pulumiDir: string;
  let scratch: string;

  beforeAll(() => {
    // The pinned Node.js as ensure-toolchain installs it, even where the machine's node is new enough.
    const result = ensureToolchain([], { ...process.env, PULUMI_CONDUCTORONE_PINNED_NODE: "1" });
    expect(result.code, result.stderr).toBe(0);
    const [pulumiBin, nodeBin] = pathEntries(result.stdout);
    if (!nodeBin?.includes(`/node-v${pin.version}/`)) throw new Error(`ensure-toolchain put no pinned Node.js on PATH: ${result.stdout}`);
    pulumiDir = path.dirname(pulumiBin!);
    pinnedNode = path.join(nodeBin, "node");
    scratch = mkdtempSync(path.join(tmpdir(), "c1-node-pin-"));
  }, 300_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("is one exact 22.x version with a SHA-256 for each architecture", () => {
    expect(pin.version).toMatch(/^22\.\d+\.\d+$/);
    expect(pin.sha256.x64).toMatch(/^[0-9a-f]{64}$/);
    expect(pin.sha256.arm64).toMatch(/^[0-9a-f]{64}$/);
    expect(pin.sha256.x64).not.toBe(pin.sha256.arm64);
  });

  it("is what ensure-toolchain installs: that exact version, whose binary has the committed SHA-256", () => {
    expect(pinnedNode).toContain(`/node-v${pin.version}/node_modules/node-linux-${ARCH}/bin/node`);
    expect(sha256Of(pinnedNode)).toBe(pin.sha256[ARCH]);
    expect(spawnSync(pinnedNode, ["--version"], { encoding: "utf8" }).stdout.trim()).toBe(`v${pin.version}`);
    const verified = ensureToolchain(["--verify-node", pinnedNode]);
    expect(verified.stderr).toContain(`is the pinned Node.js ${pin.version} for ${ARCH}`);
    expect(verified.code).toBe(0);
  });

  it.each([
    { label: "a script that claims to be Node.js", bytes: () => Buffer.from(`#!/bin/sh\necho v${pin.version}\n`) },
    { label: "the pinned binary with its last byte changed", bytes: () => flipLastByte(readFileSync(pinnedNode)) },
  ])("refuses $label, naming its SHA-256 and the committed one", ({ label, bytes }) => {
    const file = path.join(scratch, label.replaceAll(" ", "-"));
    writeFileSync(file, bytes());
    const result = ensureToolchain(["--verify-node", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} is not the pinned Node.js ${pin.version} for ${ARCH}`);
    expect(result.stderr).toContain(sha256Of(file));
    expect(result.stderr).toContain(pin.sha256[ARCH]);
  });

  describe("installing it (npm replaced by a stand-in)", () => {
    let cacheRoot: string;
    let npmLog: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(() => {
      // A cache of its own that shares the machine's Pulumi build, so only Node is installed.
      const home = path.join(scratch, "cache-home");
      cacheRoot = path.join(home, "pulumi-conductorone");
      mkdirSync(cacheRoot, { recursive: true });
      symlinkSync(pulumiDir, path.join(cacheRoot, path.basename(pulumiDir)));
      const bin = path.join(scratch, "bin");
      mkdirSync(bin);
      writeFileSync(path.join(bin, "npm"), FAKE_NPM);
      chmodSync(path.join(bin, "npm"), 0o755);
      npmLog = path.join(scratch, "npm.log");
      env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: home, FAKE_NPM_LOG: npmLog, PULUMI_CONDUCTORONE_PINNED_NODE: "1" };
    });

    // Every entry but the lock files (one per part of the toolchain).
    const cacheEntries = () => readdirSync(cacheRoot).filter((name) => !name.startsWith(".lock-"));

    it("fails when the downloaded binary does not match, and leaves nothing installed", () => {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const result = ensureToolchain([], env);
        expect(result.stderr).toContain(`is not the pinned Node.js ${pin.version} for ${ARCH}`);
        expect(result.code).toBe(1);
        expect(result.stdout).not.toContain("export PATH");
        expect(cacheEntries()).toEqual([path.basename(pulumiDir)]);
      }
      // The exact version, each time: a failed check is never taken as installed.
      expect(readFileSync(npmLog, "utf8").trim().split("\n")).toEqual([`node-linux-${ARCH}@${pin.version}`, `node-linux-${ARCH}@${pin.version}`]);
    });

    it("installs the matching binary and then trusts it without checking again", () => {
      const installed = ensureToolchain([], { ...env, FAKE_NODE_SOURCE: pinnedNode });
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stderr).toContain(`Node.js v${pin.version} ready (SHA-256 verified)`);
      const nodeBin = path.join(cacheRoot, `node-v${pin.version}`, "node_modules", `node-linux-${ARCH}`, "bin");
      expect(pathEntries(installed.stdout)).toEqual([path.join(cacheRoot, path.basename(pulumiDir), "bin"), nodeBin]);
      expect(sha256Of(path.join(nodeBin, "node"))).toBe(pin.sha256[ARCH]);
      expect(cacheEntries().sort()).toEqual([path.basename(pulumiDir), `node-v${pin.version}`].sort());

      const warm = ensureToolchain([], env);
      expect(warm.code, warm.stderr).toBe(0);
      expect(warm.stderr).not.toContain("installing");
      expect(readFileSync(npmLog, "utf8").trim().split("\n")).toHaveLength(3);
    });
  });

  describe("one part alone (--part), as the test command starts the CLI build beside npm ci", () => {
    let home: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(() => {
      // An empty cache: a whole run would have to build the Pulumi CLI here.
      home = path.join(scratch, "parts-home");
      mkdirSync(home);
      const bin = path.join(scratch, "parts-bin");
      mkdirSync(bin);
      writeFileSync(path.join(bin, "npm"), FAKE_NPM);
      chmodSync(path.join(bin, "npm"), 0o755);
      env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        XDG_CACHE_HOME: home,
        FAKE_NPM_LOG: path.join(scratch, "parts-npm.log"),
        FAKE_NODE_SOURCE: pinnedNode,
        PULUMI_CONDUCTORONE_PINNED_NODE: "1",
      };
    });

    it("--part node installs Node.js alone and puts only it on PATH, building no CLI", () => {
      const result = ensureToolchain(["--part", "node"], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain("building the Pulumi toolchain");
      const cacheRoot = path.join(home, "pulumi-conductorone");
      expect(pathEntries(result.stdout)).toEqual([path.join(cacheRoot, `node-v${pin.version}`, "node_modules", `node-linux-${ARCH}`, "bin")]);
      expect(readdirSync(cacheRoot).filter((name) => !name.startsWith(".lock-"))).toEqual([`node-v${pin.version}`]);
    });

    it("--part pulumi puts only the CLI on PATH, installing no Node.js", () => {
      const cacheRoot = path.join(scratch, "parts-pulumi-home", "pulumi-conductorone");
      mkdirSync(cacheRoot, { recursive: true });
      symlinkSync(pulumiDir, path.join(cacheRoot, path.basename(pulumiDir)));
      const result = ensureToolchain(["--part", "pulumi"], { ...env, XDG_CACHE_HOME: path.dirname(cacheRoot) });
      expect(result.code, result.stderr).toBe(0);
      expect(pathEntries(result.stdout)).toEqual([path.join(cacheRoot, path.basename(pulumiDir), "bin")]);
      expect(readdirSync(cacheRoot).filter((name) => !name.startsWith(".lock-"))).toEqual([path.basename(pulumiDir)]);
    });

    it.each([{ args: ["--part"] }, { args: ["--part", "go"] }, { args: ["--part", "node", "extra"] }])("refuses $args with the usage", ({ args }) => {
      const result = ensureToolchain(args, env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("usage:");
      expect(result.stdout).toBe("");
    });
  });
});
