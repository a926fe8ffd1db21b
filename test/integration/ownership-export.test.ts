/**
 * The ownership export (src/ownership/export.ts, run by c1-ownership export) against the emulator over HTTP: every page of every
 * role, odd characters in ids, a role asked for with no owner, and a C1 error in the middle of
 * paging, which must leave the stack file as it was.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { C1Emulator } from "../../src/emulator";
import { C1Client } from "../../src/provider/c1/client";
import { EXPORT_USAGE, parseExportArgs, runExport } from "../../src/cli/commands/export";
import { main } from "../../src/cli/main";
import { emulatorCredentialHost, emulatorServerEnv, FAST_RETRY, findLeak, startTestEmulator } from "../support/provider-fixture";

const KEY = "c1-ownership:owners";

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;
let dir: string;

/** CONDUCTORONE_* env for the emulator's client, with the tests' fast retries. */
function c1Env(): NodeJS.ProcessEnv {
  return {
    ...emulatorServerEnv(emulator),
    CONDUCTORONE_CLIENT_ID: clientId,
    CONDUCTORONE_CLIENT_SECRET: clientSecret,
    CONDUCTORONE_MAX_RETRIES: FAST_RETRY["conductorone:maxRetries"],
    CONDUCTORONE_RETRY_BASE_DELAY_MS: "10",
  };
}

async function runCli(args: string[], env = c1Env()) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (text) => (stdout += text), err: (text) => (stderr += text) }, env);
  return { code, stdout, stderr };
}

const ODD_APP = "app one:%41";
const ODD_CONNECTOR = "conn 50%:x";
const ODD_USERS = ["u 'quoted'", "u:colon", "u%2Fpercent", "u #hash", "ü-umlaut"];

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  emulator.reset();
  emulator.settings.maxPageSize = 2;
  emulator.faults.clear();
  for (const user of ODD_USERS) emulator.store.addUser({ id: user });
  emulator.store.addApp(ODD_APP, [ODD_CONNECTOR]);
  for (const user of ["u-erin", "u-alice", "u-dave", "u-bob", "u-carol"]) emulator.store.addOwner("app-payroll", "conn-okta", "owner", user);
  emulator.store.addOwner("app-payroll", "conn-okta", "admin", "u-carol");
  emulator.store.addOwner("app-github", "conn-github", "owner", "u-dave");
  for (const user of ODD_USERS) emulator.store.addOwner(ODD_APP, ODD_CONNECTOR, "role.one_2", user);
  dir = await mkdtemp(path.join(tmpdir(), "ownership-export-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the ownership export against C1", () => {
  it("prints every role of every connector, all pages read, sorted, in the document's short form", async () => {
    const result = await runCli(["export", "--connector", "app-payroll/conn-okta", "--connector", "app-github/conn-github"]);
    expect(result.code, result.stderr).toBe(0);
    expect(parse(result.stdout)).toEqual({
      config: {
        [KEY]: {
          "app-github": { "conn-github": { owner: ["u-dave"] } },
          "app-payroll": { "conn-okta": { admin: ["u-carol"], owner: ["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"] } },
        },
      },
    });
    expect(result.stderr).toContain("exported 7 owner(s) of 2 connector(s)");
    // Each role's emails beside it, in its order, as a comment the program never reads.
    expect(result.stdout).toContain(
      "owner: [ u-alice, u-bob, u-carol, u-dave, u-erin ] # alice@example.com, bob@example.com, carol@example.com, dave@example.com, erin@example.com\n",
    );
    expect(result.stdout).toContain("admin: [ u-carol ] # carol@example.com\n");
    const lists = emulator.requests.filter((entry) => entry.kind === "api");
    expect(lists.every((entry) => entry.method === "GET" && entry.path.endsWith("/owners/users"))).toBe(true);
    // conn-okta: 6 owners at 2 a page is 3 pages; conn-github: 1.
    expect(lists).toHaveLength(4);
    expect(lists.filter((entry) => entry.query.page_token !== undefined)).toHaveLength(2);
  });

  it("prints the document, its counts and the warnings as JSON with --json", async () => {
    const result = await runCli(["export", "--connector", "app-payroll/conn-okta", "--connector", "app-github/conn-github", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      document: {
        "app-github": { "conn-github": { owner: ["u-dave"] } },
        "app-payroll": { "conn-okta": { admin: ["u-carol"], owner: ["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"] } },
      },
      ownerCount: 7,
      connectorCount: 2,
      warnings: [],
      emails: {
        "u-alice": "alice@example.com",
        "u-bob": "bob@example.com",
        "u-carol": "carol@example.com",
        "u-dave": "dave@example.com",
        "u-erin": "erin@example.com",
      },
    });
    expect(result.stderr).toBe("");
  });

  it("shows its progress connector by connector on a terminal's stderr, and none elsewhere", async () => {
    const command = parseExportArgs(["--connector", "app-payroll/conn-okta", "--connector", "app-github/conn-github", "--cwd", dir])!;
    for (const errIsTTY of [true, false]) {
      let stderr = "";
      await runExport(command, { out: () => undefined, err: (text) => (stderr += text), errIsTTY }, c1Env());
      // eslint-disable-next-line no-control-regex -- the erase-line sequence is what the test looks for
      const progress = [...stderr.matchAll(/\r\x1b\[2K(reading [^\r]*)/g)].map((match) => match[1]);
      expect(progress).toEqual(
        errIsTTY
          ? ["reading app-payroll/conn-okta (connector 1 of 2, 0 owner(s) so far)", "reading app-github/conn-github (connector 2 of 2, 6 owner(s) so far)"]
          : [],
      );
      expect(stderr).toMatch(/exported 7 owner\(s\) of 2 connector\(s\)\n$/);
    }
  });

  it("reads only the roles asked for, and writes one asked for with no owner as an empty list", async () => {
    const result = await runCli(["export", "--connector", "app-payroll/conn-okta", "--role", "admin", "--role", "nobody", "--exclusive"]);
    expect(result.code, result.stderr).toBe(0);
    expect(parse(result.stdout).config[KEY]).toEqual({
      "app-payroll": { "conn-okta": { admin: { users: ["u-carol"], exclusive: true }, nobody: { users: [], exclusive: true } } },
    });
    const roles = emulator.requests.filter((entry) => entry.kind === "api").map((entry) => entry.query.role_slug);
    expect(roles).toEqual(["admin", "nobody"]);
  });

  it("keeps spaces, colons, percent signs and quotes in ids exactly, in the request paths and in the file", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(file, "# prod\nconfig:\n  other:setting: kept # a comment\n");
    const result = await runCli(["export", "--connector", `${ODD_APP}/${ODD_CONNECTOR}`, "--stack", "prod", "--cwd", dir]);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(file, "utf8");
    expect(text).toContain("# a comment");
    const config = parse(text).config;
    expect(config["other:setting"]).toBe("kept");
    expect(config[KEY]).toEqual({ [ODD_APP]: { [ODD_CONNECTOR]: { "role.one_2": [...ODD_USERS].sort() } } });
    const paths = new Set(emulator.requests.filter((entry) => entry.kind === "api").map((entry) => entry.path));
    expect([...paths]).toEqual([`/api/v2/apps/${encodeURIComponent(ODD_APP)}/connectors/${encodeURIComponent(ODD_CONNECTOR)}/owners/users`]);
  });

  it("refuses to replace a document the stack file has, and replaces it with --force", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    const existing = `config:\n  ${KEY}:\n    app-old:\n      conn-old:\n        owner: [u-zed]\n`;
    await writeFile(file, existing);
    const refused = await runCli(["export", "--connector", "app-github/conn-github", "--stack", "prod", "--cwd", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already has an ownership document \(c1-ownership:owners\); pass --force/);
    expect(refused.stderr).toContain("Nothing was written.");
    expect(await readFile(file, "utf8")).toBe(existing);
    const forced = await runCli(["export", "--connector", "app-github/conn-github", "--stack", "prod", "--cwd", dir, "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(parse(await readFile(file, "utf8")).config[KEY]).toEqual({ "app-github": { "conn-github": { owner: ["u-dave"] } } });
  });

  it("reads the C1 settings from the stack file first, then the env", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    await writeFile(
      file,
      `config:\n  conductorone:serverUrl: ${emulator.url}\n  conductorone:allowCredentialsToHost: ${emulatorCredentialHost(emulator.url)}\n  conductorone:clientId: ${clientId}\n`,
    );
    const env = { CONDUCTORONE_SERVER_URL: "http://127.0.0.1:1", CONDUCTORONE_CLIENT_SECRET: clientSecret, CONDUCTORONE_MAX_RETRIES: "0" };
    const result = await runCli(["export", "--connector", "app-github/conn-github", "--stack", "prod", "--cwd", dir], env);
    expect(result.code, result.stderr).toBe(0);
    expect(parse(await readFile(file, "utf8")).config[KEY]).toEqual({ "app-github": { "conn-github": { owner: ["u-dave"] } } });
  });

  it("fails clearly and writes nothing when C1 keeps answering 503 in the middle of paging", async () => {
    const file = path.join(dir, "Pulumi.prod.yaml");
    const before = "config:\n  other:setting: kept\n";
    await writeFile(file, before);
    let stderr = "";
    const command = parseExportArgs(["--connector", "app-github/conn-github", "--connector", "app-payroll/conn-okta", "--stack", "prod", "--cwd", dir])!;
    let calls = 0;
    const createClient = (settings: Parameters<typeof C1Client.fromSettings>[0]) => {
      const real = C1Client.fromSettings(settings);
      // After the first page of conn-okta, its list answers 503 until the retries run out.
      return {
        call: async (...args: Parameters<C1Client["call"]>) => {
          const body = await real.call(...args);
          if (++calls === 2) emulator.faults.add({ method: "GET", path: /conn-okta\/owners\/users$/, status: 503, times: Infinity });
          return body;
        },
      } as unknown as C1Client;
    };
    const error = await runExport(command, { out: () => undefined, err: (text) => (stderr += text) }, c1Env(), { createClient }).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error?.message).toMatch(
      /^could not read the owners of app-payroll\/conn-okta from C1: C1 API GET \/api\/v2\/apps\/app-payroll\/connectors\/conn-okta\/owners\/users\?page_size=100&page_token=\S+ failed: 503/,
    );
    expect(await readFile(file, "utf8")).toBe(before);
    const okta = emulator.requests.filter((entry) => entry.path.includes("conn-okta"));
    expect(okta.map((entry) => entry.status)).toEqual([200, 503, 503, 503, 503]);
    expect(findLeak(`${error?.message}${JSON.stringify(error)}${stderr}`, [clientSecret])).toBeUndefined();
  });

  it("through the command line, a C1 error exits 1 with the error and no document", async () => {
    emulator.faults.add({ method: "GET", path: /owners\/users$/, status: 503, times: Infinity });
    const result = await runCli(["export", "--connector", "app-github/conn-github"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/error: could not read the owners of app-github\/conn-github from C1: .* failed: 503/);
    expect(result.stderr).toContain("Nothing was written.");
    expect(findLeak(result.stderr, [clientSecret])).toBeUndefined();
  });
});

describe("the ownership command line", () => {
  it("prints its help", async () => {
    const result = await runCli(["export", "--help"]);
    expect(result).toEqual({ code: 0, stdout: `${EXPORT_USAGE}\n`, stderr: "" });
  });

  it.each([
    { label: "no command", args: [], message: /usage: c1-ownership <command>/ },
    { label: "an unknown command", args: ["import"], message: /unknown command "import"/ },
    { label: "no connector", args: ["export"], message: /give at least one --connector/ },
    { label: "a connector without an app", args: ["export", "--connector", "conn-okta"], message: /must be APP\/CONN/ },
    { label: "an empty connector id", args: ["export", "--connector", "app/"], message: /the connector id must not be empty/ },
    { label: "a role with whitespace around it", args: ["export", "--connector", "a/c", "--role", " admin"], message: /role slug must not start or end/ },
    { label: "an unknown option", args: ["export", "--connector", "a/c", "--app", "a"], message: /Unknown option '--app'/ },
    { label: "--force without --stack", args: ["export", "--connector", "a/c", "--force"], message: /--force only applies when writing with --stack/ },
  ])("exits 2 on $label", async ({ args, message }) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(emulator.requests.filter((entry) => entry.kind === "api")).toEqual([]);
  });
});
