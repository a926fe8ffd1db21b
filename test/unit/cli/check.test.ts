import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCheckArgs, runCheck } from "../../../src/cli/commands/check";
import { EXIT } from "../../../src/cli/exit-codes";
import { main } from "../../../src/cli/main";
import { UsageError } from "../../../src/cli/options";

let dir: string;

const VALID = `config:
  acme:owners:
    app-payroll:
      conn-okta:
        owner: [u-alice, u-bob]
        admin: {users: [u-carol], exclusive: true}
`;
const INVALID = `config:
  conductorone:serverUrl: https://acme.conductor.one
  acme:owners:
    app-payroll:
      conn-okta:
        owner: [u-alice, "u/bob", u-alice]
        admin: {users: [u-carol], exclusive: "yes"}
`;

async function check(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(["check", "--cwd", dir, ...args], { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "c1-check-"));
  await writeFile(path.join(dir, "Pulumi.yaml"), "name: acme\nruntime: nodejs\n");
  await writeFile(path.join(dir, "Pulumi.prod.yaml"), VALID);
  await writeFile(path.join(dir, "Pulumi.dev.yaml"), INVALID);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("c1-ownership check", () => {
  it("finds a valid document valid, with its counts, and exits 0", async () => {
    const result = await check(["--stack", "prod"]);
    expect(result).toEqual({ code: EXIT.OK, out: `${path.join(dir, "Pulumi.prod.yaml")}: acme:owners is valid: 3 owner(s) in 2 role(s)\n`, err: "" });
  });

  it("prints every problem of an invalid document with its path, and exits 4", async () => {
    const result = await check(["--stack", "dev"]);
    expect(result.code).toBe(EXIT.INVALID_DOCUMENT);
    expect(result.out).toContain(`${path.join(dir, "Pulumi.dev.yaml")}: acme:owners has 3 problem(s):`);
    expect(result.out).toMatch(/owners\.app-payroll\.conn-okta\.owner\[1\]: .*'\/'/);
    expect(result.out).toMatch(/owners\.app-payroll\.conn-okta\.owner\[2\]: .*u-alice/);
    expect(result.out).toMatch(/owners\.app-payroll\.conn-okta\.admin\.exclusive: /);
  });

  it("checks every stack file of the directory when no --stack is given", async () => {
    const result = await check([]);
    expect(result.code).toBe(EXIT.INVALID_DOCUMENT);
    expect(result.out).toContain("Pulumi.dev.yaml: acme:owners has 3 problem(s)");
    expect(result.out).toContain("Pulumi.prod.yaml: acme:owners is valid");
  });

  it("reports a stack file without a document as a problem", async () => {
    await writeFile(path.join(dir, "Pulumi.empty.yaml"), "config: {}\n");
    const result = await check(["--stack", "empty"]);
    expect(result.code).toBe(EXIT.INVALID_DOCUMENT);
    expect(result.out).toMatch(/Pulumi\.empty\.yaml: acme:owners has 1 problem\(s\):\n {2}owners: /);
  });

  it("prints the results as JSON with --json", async () => {
    const result = await check(["--json"]);
    const report = JSON.parse(result.out);
    expect(report.ok).toBe(false);
    expect(report.stacks.map((stack: { stack: string; ok: boolean; ownerCount: number }) => [stack.stack, stack.ok, stack.ownerCount])).toEqual([
      ["dev", false, 0],
      ["prod", true, 3],
    ]);
    expect(report.stacks[0].problems).toHaveLength(3);
  });

  it("fails with 1 on a stack file that does not exist, and 2 on bad usage", async () => {
    const missing = await check(["--stack", "nope"]);
    expect(missing.code).toBe(EXIT.FAILED);
    expect(missing.err).toContain(`${path.join(dir, "Pulumi.nope.yaml")} does not exist`);
    expect((await check(["--stack", ""])).code).toBe(EXIT.USAGE);
    expect((await check(["--stacks", "prod"])).code).toBe(EXIT.USAGE);
  });

  it("parses its options", () => {
    expect(parseCheckArgs(["--stack", "a", "--stack", "b", "--stack", "a", "--json"], "/here")).toEqual({ stacks: ["a", "b"], json: true, cwd: "/here" });
    expect(parseCheckArgs(["-h"])).toBeUndefined();
    expect(() => parseCheckArgs(["prod"])).toThrow(UsageError);
  });

  it("says where to look when the directory has no stack file", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "c1-check-empty-"));
    try {
      await expect(runCheck({ stacks: [], json: false, cwd: empty }, { out: () => {}, err: () => {} })).rejects.toThrow(
        /no stack file .* give --stack NAME or --cwd DIR/,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
