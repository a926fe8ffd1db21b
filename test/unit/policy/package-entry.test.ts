import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "../../..");
// Resolved from the template's pack, as a pack does: from the repo root, the name would be the repo itself.
const packDir = path.join(repo, "templates/ownership-repository/policy");

/** The modules node loads for `require(specifier)` of the staged package, as paths relative to node_modules. */
function modulesLoadedBy(specifier: string): string[] {
  const script = `require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: packDir, encoding: "utf8" })) as string[];
  return loaded.map((file) => file.split(`${path.sep}node_modules${path.sep}`).pop()!);
}

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return result.messages.filter((message) => message.ruleId === "@typescript-eslint/no-restricted-imports").map((message) => message.message);
}

describe("the policy entry of the package", () => {
  it("is not loaded by the main entry: programs never need @pulumi/policy", () => {
    const loaded = modulesLoadedBy("pulumi-conductorone-owners");
    expect(loaded.some((file) => file.startsWith("pulumi-conductorone-owners/dist/provider/index.js"))).toBe(true);
    expect(loaded.filter((file) => file.includes("@pulumi/policy") || file.includes("/dist/provider/policy/"))).toEqual([]);
  });

  it("loads as pulumi-conductorone-owners/policy and builds the three policies", () => {
    const script = 'const { ownershipPolicies } = require("pulumi-conductorone-owners/policy"); console.log(ownershipPolicies().map((p) => p.name).join(","));';
    expect(execFileSync(process.execPath, ["-e", script], { cwd: packDir, encoding: "utf8" }).trim()).toBe(
      "c1-minimum-owners,c1-active-owners,c1-allowed-owners",
    );
  });

  const cases: Array<[label: string, file: string, code: string, refused: boolean]> = [
    [
      "@pulumi/policy in src/provider/resources/",
      "src/provider/resources/probe.ts",
      'import { PolicyPack } from "@pulumi/policy";\nexport const p = PolicyPack;\n',
      true,
    ],
    ["@pulumi/policy in src/provider/index.ts", "src/provider/index.ts", 'export type { Policies } from "@pulumi/policy";\n', true],
    [
      "@pulumi/policy in src/provider/model/",
      "src/provider/model/probe.ts",
      'import type { Policies } from "@pulumi/policy";\nexport type P = Policies;\n',
      true,
    ],
    [
      "@pulumi/policy's types in src/provider/policy/",
      "src/provider/policy/probe.ts",
      'import type { Policies } from "@pulumi/policy";\nexport type P = Policies;\n',
      false,
    ],
    ["the C1 client in src/provider/policy/", "src/provider/policy/probe.ts", 'import { C1Client } from "../c1/client";\nexport const c = C1Client;\n', true],
    [
      "the dynamic provider in src/provider/policy/",
      "src/provider/policy/probe.ts",
      'import { clientFor } from "../dynamic/provider-registry";\nexport const c = clientFor;\n',
      true,
    ],
    [
      "the model in src/provider/policy/",
      "src/provider/policy/probe.ts",
      'import { roleIdentity } from "../model/owner-key";\nexport const r = roleIdentity;\n',
      false,
    ],
  ];

  it.each(cases)("lint: %s (%s): refused = %s", async (_label, file, code, refused) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length > 0).toBe(refused);
  });
});
