/**
 * The stack settings file, Pulumi.<stack>.yaml: reading its `conductorone:*` config for the C1
 * client, and writing the ownership document into it while every other key and comment stays.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { Document, isMap, isScalar, parse, parseDocument, visit } from "yaml";
import { CONFIG_NAMESPACE, type ConfigSource } from "../provider/c1/settings";
import { OWNERSHIP_DOCUMENT_KEY } from "../ownership/document";
import type { OwnershipDocument } from "../ownership/export";

/** The project name used when the directory has no readable Pulumi.yaml (this repository's root project). */
export const DEFAULT_PROJECT_NAME = "c1-ownership";

/** The file of a stack's settings: `Pulumi.<stack>.yaml` in the project directory. */
export function stackFilePath(projectDir: string, stackName: string): string {
  return path.join(projectDir, `Pulumi.${stackName}.yaml`);
}

/** The config key of the ownership document: `<project>:owners`, e.g. `c1-ownership:owners`. */
export async function ownershipConfigKey(projectDir: string): Promise<string> {
  const file = path.join(projectDir, "Pulumi.yaml");
  if (!existsSync(file)) return `${DEFAULT_PROJECT_NAME}:${OWNERSHIP_DOCUMENT_KEY}`;
  const project = parse(await readFile(file, "utf8")) as { name?: unknown } | null;
  const name = typeof project?.name === "string" && project.name !== "" ? project.name : DEFAULT_PROJECT_NAME;
  return `${name}:${OWNERSHIP_DOCUMENT_KEY}`;
}

/** The stack file already holds a document and the export was not told to replace it. */
export class ExistingDocumentError extends Error {
  readonly code = "OWNERSHIP_DOCUMENT_EXISTS";

  constructor(file: string, key: string) {
    super(`${file} already has an ownership document (${key}); pass --force to replace it, or --print to see the export`);
    this.name = "ExistingDocumentError";
  }
}

/** The stack file is not YAML, or its `config` is not a map. */
export class StackFileError extends Error {
  readonly code = "INVALID_STACK_FILE";

  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The document as YAML nodes: maps in block style, each role's user ids as one flow list. */
/** User id -> email, shown beside each role's list for the reader (YAML comments: never read back). */
export type UserEmails = Readonly<Record<string, string>>;

/**
 * The document as YAML nodes: each role's user ids as one flow list, followed by a comment with
 * their emails in the same order (`- ` where C1 gave none) when `emails` knows any of them.
 */
function documentNode(yaml: Document, document: OwnershipDocument, emails: UserEmails = {}) {
  const node = yaml.createNode(document);
  visit(node, {
    Seq(_, seq) {
      seq.flow = true;
      const listed = seq.items.map((item) => (isScalar(item) && typeof item.value === "string" ? emails[item.value] : undefined));
      if (listed.some((email) => email !== undefined)) seq.comment = ` ${listed.map((email) => email ?? "-").join(", ")}`;
    },
  });
  return node;
}

/** The document alone, as `--print` shows it: `config:` with the one key, ready to paste. */
export function formatOwnershipDocument(document: OwnershipDocument, key: string, emails?: UserEmails): string {
  const yaml = new Document({ config: {} });
  yaml.setIn(["config", key], documentNode(yaml, document, emails));
  return yaml.toString();
}

/**
 * Puts the document into a stack file's text under `config.<key>` and returns the new text; all
 * other config, comments and `encryptionsalt` stay as they were.
 * @param text the file's text; undefined or empty for a new file.
 * @throws ExistingDocumentError when the file has a document and `force` is not set.
 */
export function mergeOwnershipDocument(
  text: string | undefined,
  document: OwnershipDocument,
  options: { key: string; file: string; force: boolean; emails?: UserEmails },
): string {
  const yaml = text === undefined || text.trim() === "" ? new Document({ config: {} }) : parseDocument(text);
  if (yaml.errors.length > 0) throw new StackFileError(`${options.file} is not valid YAML: ${yaml.errors[0].message}`);
  if (yaml.contents === null || (!isMap(yaml.contents) && !(isScalar(yaml.contents) && yaml.contents.value === null))) {
    throw new StackFileError(`${options.file} must be a map with a config key`);
  }
  const config = yaml.get("config", true);
  if (config !== undefined && config !== null && !isMap(config) && !(isScalar(config) && config.value === null)) {
    throw new StackFileError(`${options.file}: config must be a map`);
  }
  if (!isMap(config)) yaml.set("config", yaml.createNode({}));
  if (yaml.hasIn(["config", options.key]) && !options.force) throw new ExistingDocumentError(options.file, options.key);
  yaml.setIn(["config", options.key], documentNode(yaml, document, options.emails));
  return yaml.toString();
}

/**
 * Writes the document into the stack file (created when missing), atomically: a failure leaves
 * the file as it was.
 */
export async function writeOwnershipDocument(
  file: string,
  document: OwnershipDocument,
  options: { key: string; force: boolean; emails?: UserEmails },
): Promise<void> {
  const text = existsSync(file) ? await readFile(file, "utf8") : undefined;
  const merged = mergeOwnershipDocument(text, document, { ...options, file });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, merged);
  await rename(temporary, file);
}

/** Reads a secret config value the way Pulumi decrypts it: `pulumi config get`. */
export type SecretReader = (key: string) => Promise<string>;

/** A {@link SecretReader} that runs `pulumi config get KEY --stack NAME --cwd DIR` (the CLI decrypts). */
export function pulumiSecretReader(stackName: string, projectDir: string, env: NodeJS.ProcessEnv = process.env): SecretReader {
  return async (key) => {
    try {
      const { stdout } = await promisify(execFile)("pulumi", ["config", "get", key, "--stack", stackName, "--cwd", projectDir, "--non-interactive"], {
        env,
      });
      return stdout.replace(/\n$/, "");
    } catch (error) {
      // Only the exit status and the CLI's own complaint: never the value.
      const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
      throw new StackFileError(`could not read secret ${key} of stack ${stackName} with pulumi config get${stderr ? `: ${stderr.split("\n")[0]}` : ""}`);
    }
  };
}

/**
 * The `config` map of an existing stack file, as Pulumi reads it (empty when the file has none).
 * @throws StackFileError when the file is not YAML.
 */
async function readConfigMap(file: string): Promise<Record<string, unknown>> {
  const yaml = parseDocument(await readFile(file, "utf8"));
  if (yaml.errors.length > 0) throw new StackFileError(`${file} is not valid YAML: ${yaml.errors[0].message}`);
  const config = (yaml.toJS() as { config?: unknown } | null)?.config;
  return config !== null && typeof config === "object" && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
}

/**
 * The stack file's `conductorone:*` config as the provider reads it: plain values as they are,
 * secrets (`secure:`) decrypted through `readSecret`. A missing file has no config.
 */
export async function readStackSettingsConfig(file: string, readSecret: SecretReader): Promise<ConfigSource> {
  const values = new Map<string, string>();
  const config = existsSync(file) ? await readConfigMap(file) : {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    if (value !== null && typeof value === "object" && typeof (value as { secure?: unknown }).secure === "string") {
      values.set(key, await readSecret(key));
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      values.set(key, String(value));
    }
  }
  return { get: (key) => values.get(key) };
}

/** The stack files of a project directory: `Pulumi.<stack>.yaml` (or `.yml`), by stack name. */
export async function listStackFiles(projectDir: string): Promise<Map<string, string>> {
  const stacks = new Map<string, string>();
  for (const name of (await readdir(projectDir)).sort()) {
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(name);
    if (match) stacks.set(match[1], path.join(projectDir, name));
  }
  return stacks;
}

/**
 * The ownership document a stack file holds under `key` (undefined when it has none), exactly as
 * the program gets it from stack config.
 * @throws StackFileError when the file is missing or not YAML.
 */
export async function readStackDocument(file: string, key: string): Promise<unknown> {
  if (!existsSync(file)) throw new StackFileError(`${file} does not exist`);
  return (await readConfigMap(file))[key];
}
