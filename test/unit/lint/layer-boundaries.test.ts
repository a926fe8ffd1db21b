import * as path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "../../..");

/** The restricted-import messages eslint.config.mjs reports for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return result.messages.filter((message) => message.ruleId === "@typescript-eslint/no-restricted-imports").map((message) => message.message);
}

describe("the layer boundaries the linter enforces", () => {
  const cases: Array<[label: string, file: string, code: string, refused: boolean]> = [
    ["Pulumi in src/provider/c1/", "src/provider/c1/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', true],
    ["Pulumi's types in src/provider/c1/", "src/provider/c1/probe.ts", 'import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.ID;\n', true],
    [
      "the dynamic layer from src/provider/c1/",
      "src/provider/c1/probe.ts",
      'import { clientFor } from "../dynamic/provider-registry";\nexport const c = clientFor;\n',
      true,
    ],
    ["Pulumi's runtime in src/provider/model/", "src/provider/model/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', true],
    [
      "Pulumi's types in src/provider/model/",
      "src/provider/model/probe.ts",
      'import type { dynamic } from "@pulumi/pulumi";\nexport type F = dynamic.CheckFailure;\n',
      false,
    ],
    ["Pulumi in src/provider/dynamic/", "src/provider/dynamic/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', false],
    [
      "the C1 client from src/provider/model/ (a climb up a layer)",
      "src/provider/model/probe.ts",
      'import { C1Error } from "../c1/errors";\nexport const e = C1Error;\n',
      true,
    ],
    ["the shared errors from src/provider/model/", "src/provider/model/probe.ts", 'import { C1Error } from "../errors";\nexport const e = C1Error;\n', false],
    [
      "the ownership program from the provider",
      "src/provider/resources/probe.ts",
      'import { declareOwnership } from "../../ownership";\nexport const d = declareOwnership;\n',
      true,
    ],
    ["the emulator from the C1 client", "src/provider/c1/probe.ts", 'import { startEmulator } from "../../emulator";\nexport const s = startEmulator;\n', true],
    ["an example from the ownership program", "src/ownership/probe.ts", 'import * as q from "../../examples/quickstart/index";\nexport const x = q;\n', true],
    ["a script from the CLI", "src/cli/probe.ts", 'import * as d from "../../scripts/demo";\nexport const x = d;\n', true],
    ["the provider from the CLI", "src/cli/probe.ts", 'import { C1Client } from "../provider/c1/client";\nexport const c = C1Client;\n', false],
  ];

  it.each(cases)("%s (%s): refused = %s", async (_label, file, code, refused) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length > 0).toBe(refused);
  });
});
