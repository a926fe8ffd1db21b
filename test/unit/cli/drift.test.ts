import { describe, expect, it } from "vitest";
import { parseDriftArgs, runDrift } from "../../../src/cli/commands/drift";
import { formatDriftJson, formatDriftMarkdown, formatDriftTable } from "../../../src/cli/drift-report";
import { EXIT } from "../../../src/cli/exit-codes";
import { main } from "../../../src/cli/main";
import { UsageError } from "../../../src/cli/options";
import { computeDrift, computeRoleDrift, type DriftRow } from "../../../src/ownership/drift";
import { DriftCheckError, isDriftCheckError } from "../../../src/ownership/errors";

const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
const owner = (userId: string, email?: string) => ({ userId, ...(email ? { user: { id: userId, email } } : {}) });
const outputs = (userIds: string[], exclusive: boolean | undefined, emails: Record<string, string> = {}) => ({
  ...role,
  userIds,
  ...(exclusive === undefined ? {} : { exclusive }),
  owners: userIds.map((userId) => owner(userId, emails[userId])),
});

describe("computeRoleDrift", () => {
  it("reports a recorded owner C1 no longer has as removed in C1, with the recorded email", () => {
    const rows = computeRoleDrift({ recorded: outputs(["u-alice", "u-bob"], false, { "u-bob": "bob@example.com" }), refreshed: outputs(["u-alice"], false) });
    expect(rows).toEqual([{ ...role, userId: "u-bob", email: "bob@example.com", change: "removed in C1" }]);
  });

  it("reports an owner an exclusive role has in C1 and the state does not as added outside the code, with C1's email", () => {
    const rows = computeRoleDrift({
      recorded: outputs(["u-alice"], true),
      refreshed: outputs(["u-alice", "u-erin"], true, { "u-erin": "erin@example.com" }),
    });
    expect(rows).toEqual([{ ...role, userId: "u-erin", email: "erin@example.com", change: "added outside the code" }]);
  });

  it("treats state written before exclusive existed as exclusive", () => {
    expect(computeRoleDrift({ recorded: outputs(["u-alice"], undefined), refreshed: outputs(["u-alice", "u-erin"], undefined) })).toEqual([
      { ...role, userId: "u-erin", change: "added outside the code" },
    ]);
  });

  it.each([
    { label: "the same owners", recorded: outputs(["u-alice", "u-bob"], true), refreshed: outputs(["u-bob", "u-alice"], true) },
    { label: "an extra owner of a non-exclusive role", recorded: outputs(["u-alice"], false), refreshed: outputs(["u-alice", "u-erin"], false) },
    { label: "an empty role that stays empty", recorded: outputs([], true), refreshed: outputs([], true) },
  ])("reports nothing for $label", ({ recorded, refreshed }) => {
    expect(computeRoleDrift({ recorded, refreshed })).toEqual([]);
  });

  it("reports every recorded owner as removed when the role is gone from C1", () => {
    const rows = computeRoleDrift({ recorded: outputs(["u-alice", "u-bob"], true), refreshed: undefined });
    expect(rows.map((row) => [row.userId, row.change])).toEqual([
      ["u-alice", "removed in C1"],
      ["u-bob", "removed in C1"],
    ]);
  });

  it("ignores malformed outputs instead of failing", () => {
    expect(computeRoleDrift({ recorded: { ...role, userIds: "u-alice", owners: [null, 3] }, refreshed: { owners: "x" } })).toEqual([]);
  });
});

describe("computeDrift", () => {
  it("sorts the rows of every role by app, connector, role, change and user, by code unit", () => {
    const github = { appId: "app-github", connectorId: "conn-github", roleSlug: "admin" };
    const rows = computeDrift([
      { recorded: outputs(["u-b", "u-a"], true), refreshed: outputs(["u-Z"], true) },
      { recorded: { ...github, userIds: ["u-dave"], exclusive: false }, refreshed: { ...github, userIds: [], exclusive: false } },
    ]);
    expect(rows.map((row) => `${row.appId} ${row.change} ${row.userId}`)).toEqual([
      "app-github removed in C1 u-dave",
      "app-payroll added outside the code u-Z",
      "app-payroll removed in C1 u-a",
      "app-payroll removed in C1 u-b",
    ]);
  });
});

const rows: DriftRow[] = [
  { appId: "app-github", connectorId: "conn-github", roleSlug: "admin", userId: "u-dave", email: "dave@example.com", change: "removed in C1" },
  { ...role, userId: "u-erin", change: "added outside the code" },
];

describe("formatDriftTable", () => {
  it("prints a padded table with a header row, one owner a line, and a count", () => {
    expect(formatDriftTable(rows, "prod")).toBe(
      [
        "APP          CONNECTOR    ROLE   USER    EMAIL             CHANGE",
        "app-github   conn-github  admin  u-dave  dave@example.com  removed in C1",
        "app-payroll  conn-okta    owner  u-erin  -                 added outside the code",
        "",
        "2 owner(s) of stack prod differ from C1.",
        "",
      ].join("\n"),
    );
  });

  it("prints one line when nothing differs", () => {
    expect(formatDriftTable([], "prod")).toBe("C1 matches the stack prod: no owner was removed in C1 or added outside the code.\n");
  });
});

describe("formatDriftMarkdown", () => {
  it("writes a heading and a GitHub table", () => {
    expect(formatDriftMarkdown(rows, "prod")).toBe(
      [
        "### Connector ownership drift: stack prod",
        "",
        "2 owner(s) differ from C1.",
        "",
        "| App | Connector | Role | User | Email | Change |",
        "| --- | --- | --- | --- | --- | --- |",
        "| app-github | conn-github | admin | u-dave | dave@example.com | removed in C1 |",
        "| app-payroll | conn-okta | owner | u-erin | - | added outside the code |",
        "",
      ].join("\n"),
    );
  });

  it("escapes what would break a cell or format it", () => {
    const text = formatDriftMarkdown([{ ...role, userId: "u|x_*`", change: "removed in C1" }], "prod");
    expect(text).toContain("| u\\|x\\_\\*\\` |");
  });

  it("says C1 matches under the heading when nothing differs", () => {
    expect(formatDriftMarkdown([], "prod")).toBe(
      "### Connector ownership drift: stack prod\n\nC1 matches the stack prod: no owner was removed in C1 or added outside the code.\n",
    );
  });
});

describe("the drift command line", () => {
  it.each([
    { label: "no stack", args: [], message: /give the stack to check with --stack NAME/ },
    { label: "an empty stack", args: ["--stack", " "], message: /--stack NAME/ },
    { label: "an unknown option", args: ["--stack", "prod", "--yaml"], message: /Unknown option '--yaml'/ },
    { label: "two formats", args: ["--stack", "prod", "--json", "--markdown"], message: /--markdown and --json are two formats/ },
    { label: "a positional argument", args: ["prod"], message: /positional/ },
  ])("rejects $label", ({ args, message }) => {
    expect(() => parseDriftArgs(args)).toThrow(UsageError);
    expect(() => parseDriftArgs(args)).toThrow(message);
  });

  it("parses the stack, --markdown, --json and --cwd", () => {
    expect(parseDriftArgs(["--stack", "prod"], "/here")).toEqual({ stack: "prod", format: "table", cwd: "/here" });
    expect(parseDriftArgs(["--stack", "prod", "--markdown", "--cwd", "/there"], "/here")).toEqual({ stack: "prod", format: "markdown", cwd: "/there" });
    expect(parseDriftArgs(["--stack", "prod", "--json"], "/here")).toEqual({ stack: "prod", format: "json", cwd: "/here" });
    expect(parseDriftArgs(["--help"])).toBeUndefined();
  });

  it.each([
    { label: "no drift", found: [], code: EXIT.OK, format: "table", expected: /^C1 matches the stack prod/ },
    { label: "drift", found: rows, code: EXIT.DRIFT, format: "table", expected: /^APP +CONNECTOR/ },
    { label: "drift as Markdown", found: rows, code: EXIT.DRIFT, format: "markdown", expected: /^### Connector ownership drift/ },
    { label: "drift as JSON", found: rows, code: EXIT.DRIFT, format: "json", expected: /^\{\n {2}"stack": "prod",\n {2}"driftCount": 2,/ },
  ] as const)("exits $code on $label", async ({ found, code, format, expected }) => {
    let out = "";
    const status = await runDrift(
      { stack: "prod", format, cwd: "/x" },
      { out: (text) => (out += text), err: () => undefined },
      {},
      { checkDrift: async () => [...found] },
    );
    expect(status).toBe(code);
    expect(out).toMatch(expected);
  });

  it("has distinct, stable exit codes for no drift, drift, a failed check and bad usage", () => {
    expect(new Set([EXIT.OK, EXIT.DRIFT, EXIT.FAILED, EXIT.USAGE]).size).toBe(4);
    expect([EXIT.OK, EXIT.FAILED, EXIT.USAGE, EXIT.DRIFT]).toEqual([0, 1, 2, 3]);
  });

  it("prints the JSON report as the rows it found", () => {
    expect(JSON.parse(formatDriftJson(rows, "prod"))).toEqual({ stack: "prod", driftCount: rows.length, drift: rows });
  });

  it("exits 2 on bad usage and 0 on --help", async () => {
    let err = "";
    let out = "";
    const output = { out: (text: string) => (out += text), err: (text: string) => (err += text) };
    expect(await main(["drift"], output)).toBe(2);
    expect(err).toContain("--stack NAME");
    expect(await main(["drift", "--help"], output)).toBe(0);
    expect(out).toMatch(/^usage: c1-ownership drift --stack NAME/);
  });

  it("recognizes its check error across copies of the module", () => {
    const foreign = Object.assign(new Error("x"), { name: "DriftCheckError" });
    expect(isDriftCheckError(foreign)).toBe(true);
    expect(isDriftCheckError(new DriftCheckError("x"))).toBe(true);
    expect(isDriftCheckError(new Error("x"))).toBe(false);
  });
});
