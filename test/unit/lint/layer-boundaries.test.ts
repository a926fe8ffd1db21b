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
    ["Pulumi in provider/c1/", "provider/c1/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', true],
    ["Pulumi's types in provider/c1/", "provider/c1/probe.ts", 'import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.ID;\n', true],
    [
      "the dynamic layer from provider/c1/",
      "provider/c1/probe.ts",
      'import { clientFor } from "../dynamic/provider-registry";\nexport const c = clientFor;\n',
      true,
    ],
    ["Pulumi's runtime in provider/model/", "provider/model/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', true],
    [
      "Pulumi's types in provider/model/",
      "provider/model/probe.ts",
      'import type { dynamic } from "@pulumi/pulumi";\nexport type F = dynamic.CheckFailure;\n',
      false,
    ],
    ["Pulumi in provider/dynamic/", "provider/dynamic/probe.ts", 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n', false],
  ];

  it.each(cases)("%s (%s): refused = %s", async (_label, file, code, refused) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length > 0).toBe(refused);
  });
});
