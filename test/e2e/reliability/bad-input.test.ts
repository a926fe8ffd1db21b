/**
 * Bad declarations with the real engine. Each row gives a non-zero exit, a message naming the
 * resource and the property (or C1's reason), and no change in C1 or in the state.
 *
 * Rows `check` refuses are batched four to a run, one per property of one resource: the engine
 * stops at the first resource whose check fails but reports every failed property of it. Rows
 * only C1 can refuse (unknown ids, a role C1 rejects, a 403) run together with
 * --continue-on-error, which reports each resource's failure on its own, and with
 * CONDUCTORONE_VERIFY_USERS=false: with the default (on), check looks the users up first, and the
 * rows of users C1 does not know fail there instead, each in its own run (the last describe).
 * C1_SOAK=1 gives every row its own `up` instead.
 *
 * '%2F' is accepted by check: it is sent encoded as %252F (a legal id character) and C1 answers
 * that no such user or app exists. That is intended: ids are never decoded or rewritten.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../../src/emulator";
import {
  apiPathOf,
  type E2eStack,
  errorsFor,
  lastSeq,
  printSummary,
  PROGRAMS,
  requestsSince,
  SOAK,
  startEmulatorStack,
  type CliRun,
  type DeclaredOwner,
} from "../harness";

type Property = "appId" | "connectorId" | "roleSlug" | "userId";
const MISSING = Symbol("missing");

interface CheckRow {
  label: string;
  property: Property;
  value: unknown;
  /** The reason check gives, after the property name. */
  reason: string;
}

interface C1Row {
  label: string;
  key: { appId: string; connectorId: string; roleSlug: string; userId: string };
  /** C1's answer as the engine shows it. */
  reason: string;
}

const valid = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };
const anchor: DeclaredOwner = { name: "anchor", appId: "app-github", connectorId: "conn-github", roleSlug: "owner", userId: "u-erin" };

const checkRows: CheckRow[] = [
  { label: "empty appId", property: "appId", value: "", reason: "must not be empty" },
  { label: "whitespace-only connectorId", property: "connectorId", value: "   ", reason: "must not be only whitespace" },
  { label: "leading space in roleSlug", property: "roleSlug", value: " owner", reason: "must not start or end with whitespace" },
  { label: "trailing newline in userId", property: "userId", value: "u-alice\n", reason: "must not start or end with whitespace" },
  { label: "'/' in appId", property: "appId", value: "app/payroll", reason: "must not contain '/' (it is one segment of the C1 API path)" },
  { label: "'..' as connectorId", property: "connectorId", value: "..", reason: "must not be '..' (a relative path segment)" },
  { label: "'.' as roleSlug", property: "roleSlug", value: ".", reason: "must not be '.' (a relative path segment)" },
  { label: "'../' path climb in userId", property: "userId", value: "../u-alice", reason: "must not contain '/'" },
  { label: "tab in appId", property: "appId", value: "app\tpayroll", reason: "must not contain control characters" },
  { label: "NUL in connectorId", property: "connectorId", value: "conn\u0000okta", reason: "must not contain control characters" },
  { label: "DEL in roleSlug", property: "roleSlug", value: "own\u007fer", reason: "must not contain control characters" },
  { label: "U+2028 line separator in userId", property: "userId", value: "u-al\u2028ice", reason: "must not contain control characters" },
  { label: "257-character appId", property: "appId", value: "a".repeat(257), reason: "must be at most 256 characters, got 257" },
  { label: "5000-character connectorId", property: "connectorId", value: "c".repeat(5000), reason: "must be at most 256 characters, got 5000" },
  { label: "ANSI escape in roleSlug", property: "roleSlug", value: "owner\u001b[31m", reason: "must not contain control characters" },
  { label: "C1 control character NEL in userId", property: "userId", value: "u-\u0085alice", reason: "must not contain control characters" },
  { label: "number appId", property: "appId", value: 42, reason: "must be a string, got a number" },
  { label: "null connectorId", property: "connectorId", value: null, reason: "must be a string, got null" },
  { label: "object roleSlug", property: "roleSlug", value: { slug: "owner" }, reason: "must be a string, got an object" },
  { label: "array userId", property: "userId", value: ["u-alice"], reason: "must be a string, got an array" },
  { label: "boolean appId", property: "appId", value: true, reason: "must be a string, got a boolean" },
  { label: "missing connectorId", property: "connectorId", value: MISSING, reason: "is required" },
  { label: "missing roleSlug", property: "roleSlug", value: MISSING, reason: "is required" },
  { label: "zero as userId", property: "userId", value: 0, reason: "must be a string, got a number" },
];

/** What C1 itself refuses is seen with user verification off; with it on, user rows fail at check. */
const VERIFY_OFF = { CONDUCTORONE_VERIFY_USERS: "false" };

const DENIED = { appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userId: "u-dave" };
const c1Rows: C1Row[] = [
  { label: "'%2F' in userId (accepted by check, sent as %252F)", key: { ...valid, userId: "u%2Falice" }, reason: "404 Not Found: user not found: u%2Falice" },
  {
    label: "'%2F' in appId (accepted by check, sent as %252F)",
    key: { ...valid, appId: "app%2Fpayroll" },
    reason: "404 Not Found: app not found: app%2Fpayroll",
  },
  { label: "encoded '..' as connectorId", key: { ...valid, connectorId: "%2E%2E" }, reason: "404 Not Found: connector not found: %2E%2E" },
  { label: "unknown user", key: { ...valid, userId: "u-nobody" }, reason: "404 Not Found: user not found: u-nobody" },
  { label: "unknown app", key: { ...valid, appId: "app-nope" }, reason: "404 Not Found: app not found: app-nope" },
  { label: "unknown connector", key: { ...valid, connectorId: "conn-nope" }, reason: "404 Not Found: connector not found: conn-nope" },
  { label: "role C1 refuses (rejectedRoleSlugs)", key: { ...valid, roleSlug: "superowner" }, reason: "400 Bad Request: invalid role slug" },
  { label: "role slug failing C1's pattern", key: { ...valid, roleSlug: "owner!" }, reason: "400 Bad Request: invalid role slug" },
  { label: "200-character roleSlug (check allows 256, C1 63)", key: { ...valid, roleSlug: "r".repeat(200) }, reason: "400 Bad Request: invalid role slug" },
  { label: "look-alike user id (Cyrillic a)", key: { ...valid, userId: "u-\u0430lice" }, reason: "404 Not Found: user not found: u-\u0430lice" },
  {
    label: "256-character userId (the longest check allows)",
    key: { ...valid, userId: "u".repeat(256) },
    reason: `404 Not Found: user not found: ${"u".repeat(256)}`,
  },
  { label: "403 permission denied", key: DENIED, reason: "403 Forbidden: permission denied: this client may not change owners of conn-workday" },
];

let emulator: C1Emulator;
let stack: E2eStack;
let c1Before: string;
let stateBefore: string;
const figures = { rows: checkRows.length + c1Rows.length, runs: 0, apiRequestsDuringCheckRuns: 0 };

function withValue(owner: DeclaredOwner, property: Property, value: unknown): DeclaredOwner {
  const copy: DeclaredOwner = { ...owner };
  if (value === MISSING) delete copy[property];
  else copy[property] = value;
  return copy;
}

/** Packs check rows into resources of at most one row per property. */
function packCheckRows(rows: CheckRow[]): Array<{ owner: DeclaredOwner; rows: CheckRow[] }> {
  if (SOAK) return rows.map((row, index) => ({ owner: withValue({ name: `bad-${index + 1}`, ...valid }, row.property, row.value), rows: [row] }));
  const groups: Array<{ owner: DeclaredOwner; rows: CheckRow[] }> = [];
  for (const row of rows) {
    let group = groups.find((candidate) => !candidate.rows.some((taken) => taken.property === row.property));
    if (!group) {
      group = { owner: { name: `bad-${groups.length + 1}`, ...valid }, rows: [] };
      groups.push(group);
    }
    group.owner = withValue(group.owner, row.property, row.value);
    group.rows.push(row);
  }
  return groups;
}

const checkGroups = packCheckRows(checkRows);
const c1Owners = c1Rows.map((row, index) => ({ name: `refused-${index + 1}`, ...row.key }));

const runs = new Map<string, Promise<CliRun>>();

/** Runs `up` once per group (memoized), so each row's test can await its group's run. */
function runOnce(id: string, owners: DeclaredOwner[], extra: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  let run = runs.get(id);
  if (!run) {
    run = (async () => {
      const since = lastSeq(emulator);
      await stack.setOwners([anchor, ...owners]);
      const result = await stack.up(extra, { env });
      figures.runs += 1;
      if (id.startsWith("check")) figures.apiRequestsDuringCheckRuns += requestsSince(emulator, since).filter((entry) => entry.kind === "api").length;
      return result;
    })();
    runs.set(id, run);
  }
  return run;
}

/** Runs the `up` of every check group, one after another (memoized: rows already run are not rerun). */
async function runAllCheckGroups(): Promise<void> {
  for (const [index, group] of checkGroups.entries()) await runOnce(`check-${index}`, [group.owner]);
}

/** The run that reports `owner`, one of the rows only C1 can refuse: its own with C1_SOAK=1, else the batch. */
function runC1Row(owner: DeclaredOwner): Promise<CliRun> {
  return SOAK ? runOnce(`c1-${owner.name}`, [owner], [], VERIFY_OFF) : runOnce("c1-batch", c1Owners, ["--continue-on-error"], VERIFY_OFF);
}

async function runAllC1Rows(): Promise<void> {
  for (const owner of c1Owners) await runC1Row(owner);
}

async function expectNothingChanged(): Promise<void> {
  expect(JSON.stringify(emulator.store.listOwners())).toBe(c1Before);
  expect(JSON.stringify(await stack.stateOwners())).toBe(stateBefore);
}

beforeAll(async () => {
  ({ emulator, e2e: stack } = await startEmulatorStack({
    programDir: PROGRAMS.reliability,
    emulator: { rejectedRoleSlugs: ["superowner"] },
  }));
  await stack.setOwners([anchor]);
  const first = await stack.up();
  if (first.code !== 0) throw new Error(`the anchor owner could not be created:\n${first.stdout}`);
  emulator.faults.add({
    method: "POST",
    path: apiPathOf(DENIED),
    status: 403,
    body: { code: 7, message: "permission denied: this client may not change owners of conn-workday", details: [] },
    times: Infinity,
  });
  c1Before = JSON.stringify(emulator.store.listOwners());
  stateBefore = JSON.stringify(await stack.stateOwners());
}, 120_000);

afterAll(async () => {
  printSummary("bad input", { ...figures, checkRows: checkRows.length, c1Rows: c1Rows.length, mismatches: await mismatchCount() });
  await stack?.dispose();
  await emulator?.close();
}, 120_000);

async function mismatchCount(): Promise<number> {
  if (!stack) return -1;
  const c1 = JSON.stringify(emulator.store.listOwners()) === c1Before ? 0 : 1;
  const state = JSON.stringify(await stack.stateOwners()) === stateBefore ? 0 : 1;
  return c1 + state;
}

const RUN_TIMEOUT_MS = 120_000;

describe.sequential(`${checkRows.length} declarations check refuses before anything reaches C1`, () => {
  const cases = checkGroups.flatMap((group, index) => group.rows.map((row) => ({ ...row, group, id: `check-${index}` })));
  it.each(cases)(
    "$label: non-zero exit, the resource and property named, nothing changed",
    async ({ group, id, property, reason }) => {
      const run = await runOnce(id, [group.owner]);
      expect(run.code).not.toBe(0);
      const name = group.owner.name;
      const errors = errorsFor(run, name);
      const expected = `resource '${name}': property ${property} value`;
      const mine = errors.find((message) => message.includes(expected) && message.includes(`has a problem: ${property} ${reason}`));
      expect(mine, `no error for ${property} of ${name} among:\n${errors.join("\n")}`).toBeDefined();
      expect(run.stdout).toContain(`ConnectorUserOwner (${name}):`);
      await expectNothingChanged();
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "sent nothing to C1 for any of them",
    async () => {
      await runAllCheckGroups();
      expect([...runs.keys()].filter((id) => id.startsWith("check-"))).toHaveLength(checkGroups.length);
      expect(figures.apiRequestsDuringCheckRuns).toBe(0);
    },
    RUN_TIMEOUT_MS * checkGroups.length,
  );
});

describe.sequential(`${c1Rows.length} declarations only C1 can refuse`, () => {
  const cases = c1Rows.map((row, index) => ({ ...row, owner: c1Owners[index] }));
  it.each(cases)(
    "$label: non-zero exit, C1's reason for that resource, nothing changed",
    async ({ owner, reason, key }) => {
      const run = await runC1Row(owner);
      expect(run.code).not.toBe(0);
      const errors = errorsFor(run, owner.name);
      expect(errors, `errors for ${owner.name}`).toContain(`C1 API POST ${apiPathOf(key)} failed: ${reason}`);
      expect(run.stdout).toContain(`ConnectorUserOwner (${owner.name}):`);
      await expectNothingChanged();
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "'%2F' really reached C1 double-encoded, as a literal '%2F' in the id",
    async () => {
      await runAllC1Rows();
      const paths = emulator.requests.filter((entry) => entry.kind === "api" && entry.method === "POST").map((entry) => entry.path);
      expect(paths).toContain("/api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u%252Falice");
      expect(paths).toContain("/api/v2/apps/app%252Fpayroll/connectors/conn-okta/owners/users/owner/u-alice");
    },
    SOAK ? RUN_TIMEOUT_MS * c1Owners.length : RUN_TIMEOUT_MS,
  );
});

describe.sequential("declarations of users C1 does not know, with verifyUsers on (the default): refused at check", () => {
  const userRows = c1Rows.filter((row) => row.reason.startsWith("404 Not Found: user not found"));
  it.each(userRows.map((row, index) => ({ ...row, owner: { ...c1Owners[c1Rows.indexOf(row)], name: `unknown-user-${index + 1}` } })))(
    "$label: non-zero exit, the lookup's 404 named at the resource's userId, no POST, nothing changed",
    async ({ owner, key }) => {
      const since = lastSeq(emulator);
      const run = await runOnce(`verified-${owner.name}`, [owner]);
      expect(run.code).not.toBe(0);
      const lookup = `GET /api/v1/users/${encodeURIComponent(key.userId)}`;
      const errors = errorsFor(run, owner.name);
      const mine = errors.find(
        (message) =>
          message.includes(`resource '${owner.name}': property userId value`) &&
          message.includes(`userId: ${key.userId} is not a C1 user (${lookup} answered 404 Not Found)`),
      );
      expect(mine, `no lookup failure for ${owner.name} among:\n${errors.join("\n")}`).toBeDefined();
      const sent = requestsSince(emulator, since).filter((entry) => entry.kind === "api");
      expect(sent.map((entry) => `${entry.method} ${entry.path}`)).toEqual([lookup]);
      await expectNothingChanged();
    },
    RUN_TIMEOUT_MS,
  );
});
