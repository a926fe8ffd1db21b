/**
 * The root stack (Pulumi.yaml at the top of the repo, program in examples/ownership-as-code) for
 * end-to-end tests: its demo document, and edits of a stack's ownership document the way a person
 * makes them, in Pulumi.<stack>.yaml.
 */
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import type { E2eStack } from "../e2e/harness";

/** The repo root: the root stack's project directory. */
export const ROOT_STACK_DIR = path.resolve(__dirname, "../..");

/** The document's key in stack config: the root project's name, then `owners`. */
export const OWNERS_CONFIG_KEY = "c1-ownership:owners";

/** The ownership document of the committed `demo` stack (Pulumi.demo.yaml). */
export async function readDemoDocument(): Promise<Record<string, unknown>> {
  const text = await readFile(path.join(ROOT_STACK_DIR, "Pulumi.demo.yaml"), "utf8");
  const document = (parse(text) as { config?: Record<string, unknown> }).config?.[OWNERS_CONFIG_KEY];
  if (document === undefined) throw new Error(`Pulumi.demo.yaml has no ${OWNERS_CONFIG_KEY}`);
  return document as Record<string, unknown>;
}

/** Writes `document` as the stack's ownership document into its Pulumi.<stack>.yaml, as YAML. */
export async function writeOwnershipDocument(e2e: E2eStack, document: unknown): Promise<void> {
  const file = path.join(e2e.programDir, `Pulumi.${e2e.stackName}.yaml`);
  const yaml = parseDocument(await readFile(file, "utf8"));
  yaml.setIn(["config", OWNERS_CONFIG_KEY], yaml.createNode(document));
  await writeFile(file, yaml.toString());
}
