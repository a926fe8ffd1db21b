/**
 * The README as tests read it, so that what it tells users and what the tests run or measure
 * cannot drift apart: the command blocks a test runs, and the `__provider` size it states.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";

export const README_PATH = path.resolve(__dirname, "../../README.md");

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The commands of the `sh` block the README introduces as running in `testFile` (a line naming
 * it in backticks and ending in a colon, then the block), one per command: blank and comment-only
 * lines dropped, lines continued with `\` joined. Throws unless exactly one such block exists.
 */
export async function readmeCommandsRunIn(testFile: string): Promise<string[]> {
  const readme = await readFile(README_PATH, "utf8");
  const intro = new RegExp("`" + escapeRegExp(testFile) + "`[^\\n]*:\\n\\n```sh\\n([\\s\\S]*?)\\n```", "g");
  const blocks = [...readme.matchAll(intro)].map((match) => match[1]);
  if (blocks.length !== 1) {
    throw new Error(`README.md must introduce exactly one \`\`\`sh block as running in \`${testFile}\` ("... \`${testFile}\`):"), found ${blocks.length}`);
  }
  const commands = blocks[0]
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  if (commands.length === 0) throw new Error(`README.md's block for \`${testFile}\` holds no command`);
  return commands;
}

/**
 * Every `__provider` size the README states ("about **325 bytes per resource**"), in bytes.
 * Throws unless its State contract section states one.
 */
export async function readmeProviderBytes(): Promise<number[]> {
  const readme = await readFile(README_PATH, "utf8");
  const figure = /about \*\*(\d+) bytes per resource\*\*/;
  const section = /\n### State contract\n([\s\S]*?)\n##/.exec(readme)?.[1];
  if (section === undefined) throw new Error("README.md has no '### State contract' section");
  if (!figure.test(section)) throw new Error("README.md's State contract states no `__provider` size ('about **N bytes per resource**')");
  return [...readme.matchAll(new RegExp(figure, "g"))].map((match) => Number(match[1]));
}
