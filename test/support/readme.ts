/**
 * The documentation as tests read it, so that what it tells users and what the tests run or measure
 * cannot drift apart: the command blocks a test runs (from README.md or a page under docs/), and
 * the `__provider` size docs/architecture.md states.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";

/** The repository's root: documents are named relative to it. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

export const README_PATH = path.join(REPO_ROOT, "README.md");

/** The page whose `### State contract` section states the `__provider` size. */
export const ARCHITECTURE_DOC_PATH = path.join(REPO_ROOT, "docs/architecture.md");

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The commands of the `sh` block that `doc` (a Markdown file, relative to the repository's root)
 * introduces as running in `testFile` (a line naming it in backticks and ending in a colon, then
 * the block), one per command: blank and comment-only lines dropped, lines continued with `\`
 * joined. Throws unless exactly one such block exists.
 */
export async function commandsRunIn(testFile: string, doc = "README.md"): Promise<string[]> {
  const text = await readFile(path.resolve(REPO_ROOT, doc), "utf8");
  const intro = new RegExp("`" + escapeRegExp(testFile) + "`[^\\n]*:\\n\\n```sh\\n([\\s\\S]*?)\\n```", "g");
  const blocks = [...text.matchAll(intro)].map((match) => match[1]);
  if (blocks.length !== 1) {
    throw new Error(`${doc} must introduce exactly one \`\`\`sh block as running in \`${testFile}\` ("... \`${testFile}\`):"), found ${blocks.length}`);
  }
  const commands = blocks[0]
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  if (commands.length === 0) throw new Error(`${doc}'s block for \`${testFile}\` holds no command`);
  return commands;
}

/**
 * Every `__provider` size docs/architecture.md states ("about **325 bytes per resource**"), in
 * bytes. Throws unless its State contract section states one.
 */
export async function statedProviderBytes(): Promise<number[]> {
  const doc = await readFile(ARCHITECTURE_DOC_PATH, "utf8");
  const figure = /about \*\*(\d+) bytes per resource\*\*/;
  const section = /\n### State contract\n([\s\S]*?)(?:\n##|$)/.exec(doc)?.[1];
  if (section === undefined) throw new Error("docs/architecture.md has no '### State contract' section");
  if (!figure.test(section)) throw new Error("docs/architecture.md's State contract states no `__provider` size ('about **N bytes per resource**')");
  return [...doc.matchAll(new RegExp(figure, "g"))].map((match) => Number(match[1]));
}
