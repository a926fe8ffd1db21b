import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkOwnershipDocument } from "../../../src/ownership/document";
import {
  ExistingDocumentError,
  formatOwnershipDocument,
  mergeOwnershipDocument,
  readStackSettingsConfig,
  StackFileError,
  writeOwnershipDocument,
} from "../../../src/cli/stack-file";

const KEY = "c1-ownership:owners";
const DOCUMENT = { "app-payroll": { "conn-okta": { admin: { users: ["u-carol"], exclusive: true as const }, owner: ["u-alice", "u-bob"] } } };
const STACK_FILE = `# the prod stack
config:
  conductorone:serverUrl: https://acme.conductor.one # our tenant
  conductorone:clientSecret:
    secure: v1:abc
encryptionsalt: v1:salt
`;

const merge = (text: string | undefined, force = false) => mergeOwnershipDocument(text, DOCUMENT, { key: KEY, file: "Pulumi.prod.yaml", force });

describe("mergeOwnershipDocument", () => {
  it("adds the document and keeps other config, comments and encryptionsalt", () => {
    const merged = merge(STACK_FILE);
    expect(merged).toContain("# the prod stack");
    expect(merged).toContain("# our tenant");
    expect(merged).toContain("secure: v1:abc");
    const parsed = parse(merged);
    expect(parsed.encryptionsalt).toBe("v1:salt");
    expect(parsed.config["conductorone:serverUrl"]).toBe("https://acme.conductor.one");
    expect(parsed.config[KEY]).toEqual(DOCUMENT);
  });

  it("writes each role's users as one flow list, the document's short form", () => {
    expect(merge(undefined)).toContain("owner: [ u-alice, u-bob ]");
  });

  it("refuses to replace an existing document unless forced", () => {
    const existing = merge(STACK_FILE);
    expect(() => merge(existing)).toThrow(ExistingDocumentError);
    expect(() => merge(existing)).toThrow(/already has an ownership document \(c1-ownership:owners\); pass --force/);
    const other = { ...DOCUMENT, "app-github": { "conn-github": { owner: ["u-dave"] } } };
    const forced = mergeOwnershipDocument(existing, other, { key: KEY, file: "f", force: true });
    expect(parse(forced).config[KEY]).toEqual(other);
    expect(forced).toContain("# our tenant");
  });

  it("starts a new file, or a file without config", () => {
    expect(parse(merge(undefined))).toEqual({ config: { [KEY]: DOCUMENT } });
    expect(parse(merge("encryptionsalt: v1:x\n"))).toEqual({ encryptionsalt: "v1:x", config: { [KEY]: DOCUMENT } });
    expect(parse(merge("config:\n"))).toEqual({ config: { [KEY]: DOCUMENT } });
  });

  it.each([
    { label: "not YAML", text: "config: [unclosed\n", message: /not valid YAML/ },
    { label: "a list", text: "- a\n", message: /must be a map/ },
    { label: "config not a map", text: "config: [a]\n", message: /config must be a map/ },
  ])("refuses a stack file that is $label", ({ text, message }) => {
    expect(() => merge(text)).toThrow(StackFileError);
    expect(() => merge(text)).toThrow(message);
  });

  it("keeps ids with spaces, colons, percent signs and quotes exactly, and the result passes the document check", () => {
    const odd = { "app: one": { "conn %2F 50%": { "role #1": ["u 'quoted'", 'u "double"', "u: colon", "- dash", "true", "007"] } } };
    const merged = mergeOwnershipDocument(STACK_FILE, odd, { key: KEY, file: "f", force: false });
    const parsed = parse(merged).config[KEY];
    expect(parsed).toEqual(odd);
    expect(checkOwnershipDocument(parsed).ok).toBe(true);
  });
});

describe("formatOwnershipDocument", () => {
  it("prints the document under config, ready to paste into a stack file", () => {
    expect(parse(formatOwnershipDocument(DOCUMENT, KEY))).toEqual({ config: { [KEY]: DOCUMENT } });
  });

  it("writes each role's emails beside it as a comment, '-' for a user without one, and none for a role without any", () => {
    const document = { "app-payroll": { "conn-okta": { owner: ["u-alice", "u-zed"], admin: ["u-nobody"] } } };
    const text = formatOwnershipDocument(document, KEY, { "u-alice": "alice@example.com", "u-carol": "carol@example.com" });
    expect(text).toContain("owner: [ u-alice, u-zed ] # alice@example.com, -\n");
    expect(text).toContain("admin: [ u-nobody ]\n");
    expect(parse(text)).toEqual({ config: { [KEY]: document } });
  });
});

describe("stack files on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ownership-stack-file-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads plain conductorone settings as they are and secrets through the secret reader", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(file, STACK_FILE.replace("encryptionsalt", "  conductorone:maxRetries: 3\n  other:key: ignored\nencryptionsalt"));
    const asked: string[] = [];
    const config = await readStackSettingsConfig(file, async (key) => {
      asked.push(key);
      return "decrypted";
    });
    expect(asked).toEqual(["conductorone:clientSecret"]);
    expect(config.get("conductorone:serverUrl")).toBe("https://acme.conductor.one");
    expect(config.get("conductorone:clientSecret")).toBe("decrypted");
    expect(config.get("conductorone:maxRetries")).toBe("3");
    expect(config.get("other:key")).toBeUndefined();
  });

  it("has no settings for a missing stack file", async () => {
    const config = await readStackSettingsConfig(path.join(dir, "Pulumi.none.yaml"), async () => "x");
    expect(config.get("conductorone:serverUrl")).toBeUndefined();
  });

  it("leaves the file untouched when it refuses to replace a document", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeOwnershipDocument(file, DOCUMENT, { key: KEY, force: false });
    const before = await readFile(file, "utf8");
    await expect(writeOwnershipDocument(file, {}, { key: KEY, force: false })).rejects.toThrow(ExistingDocumentError);
    expect(await readFile(file, "utf8")).toBe(before);
  });
});
