/**
 * A server (or a proxy in front of it) that answers garbage, under the real engine: HTML with a
 * 502, invalid JSON with a 200, an empty 200, a 200 without `connectorOwnerUser`. Each is a clear
 * error for that resource in the engine output, and never a resource recorded with empty outputs,
 * on create and on refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator, FaultRule } from "../../../src/emulator";
import { apiPathOf, type E2eStack, errorsFor, printSummary, PROGRAMS, startEmulatorStack, type CliRun, type DeclaredOwner } from "../harness";

const RUN_TIMEOUT_MS = 120_000;
const HTML = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>upstream connect error</p></body></html>";

interface GarbageRow {
  label: string;
  owner: { name: string; appId: string; connectorId: string; roleSlug: string; userId: string };
  answer: Omit<FaultRule, "method" | "path" | "times">;
  /** The engine's error for that resource, after `C1 API POST <path> `. */
  error: string;
}

const key = (userId: string, roleSlug = "owner") => ({ appId: "app-payroll", connectorId: "conn-okta", roleSlug, userId });
const rows: GarbageRow[] = [
  {
    label: "HTML from a proxy with 502 (retried, then reported by status; the page is not echoed)",
    owner: { name: "html-502", ...key("u-alice") },
    answer: { status: 502, headers: { "Content-Type": "text/html" }, body: HTML },
    error: "failed: 502 Bad Gateway (after 4 attempts)",
  },
  {
    label: "invalid JSON with 200",
    owner: { name: "bad-json-200", ...key("u-bob") },
    answer: { status: 200, headers: { "Content-Type": "application/json" }, body: '{"connectorOwnerUser": {"appId": "app-pay' },
    error: "returned an invalid response (200): the body is not JSON (application/json)",
  },
  {
    label: "an empty body with 200",
    owner: { name: "empty-200", ...key("u-carol") },
    answer: { status: 200, headers: { "Content-Type": "application/json" }, body: "" },
    error: "returned an invalid response (200): the body is empty",
  },
  {
    label: "200 without connectorOwnerUser",
    owner: { name: "no-owner-200", ...key("u-dave") },
    answer: { status: 200, body: { something: "else" } },
    error: "returned an invalid response (200): the body has no connectorOwnerUser object",
  },
  {
    label: "200 with a JSON array",
    owner: { name: "array-200", ...key("u-erin") },
    answer: { status: 200, body: "[]", headers: { "Content-Type": "application/json" } },
    error: "returned an invalid response (200): the body is not a JSON object",
  },
  {
    label: "200 with an HTML page (a captive portal)",
    owner: { name: "html-200", ...key("u-alice", "admin") },
    answer: { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: HTML },
    error: "returned an invalid response (200): the body is not JSON (text/html; charset=utf-8)",
  },
];

const anchor: DeclaredOwner = { name: "anchor", appId: "app-github", connectorId: "conn-github", roleSlug: "owner", userId: "u-erin" };

let emulator: C1Emulator;
let stack: E2eStack;

beforeAll(async () => {
  ({ emulator, e2e: stack } = await startEmulatorStack({ programDir: PROGRAMS.reliability }));
  await stack.setOwners([anchor]);
  const first = await stack.up();
  if (first.code !== 0) throw new Error(`the anchor owner could not be created:\n${first.stdout}`);
}, RUN_TIMEOUT_MS);

afterAll(async () => {
  await stack?.dispose();
  await emulator?.close();
});

describe.sequential("garbage answers under the real engine", () => {
  describe("up, with every create answered with garbage", () => {
    // One run for every row, made here so that any of these tests also runs alone.
    let createRun: CliRun;
    beforeAll(async () => {
      for (const row of rows) emulator.faults.add({ method: "POST", path: apiPathOf(row.owner), times: Infinity, ...row.answer });
      await stack.setOwners([anchor, ...rows.map((row) => row.owner)]);
      createRun = await stack.up(["--continue-on-error"]);
      emulator.faults.clear();
    }, RUN_TIMEOUT_MS);

    it("fails", () => {
      expect(createRun.code).not.toBe(0);
      printSummary("garbage answers", { kinds: rows.length, failedResources: rows.filter((row) => errorsFor(createRun, row.owner.name).length > 0).length });
    });

    it.each(rows)("$label: a clear error for that resource and nothing recorded", async ({ owner, error }) => {
      expect(errorsFor(createRun, owner.name)).toEqual([`C1 API POST ${apiPathOf(owner)} ${error}`]);
      expect(createRun.stdout).toContain(`ConnectorUserOwner (${owner.name}):`);
      expect(createRun.stdout).not.toContain("<html>");
      expect((await stack.stateOwners()).map((resource) => resource.name)).toEqual(["anchor"]);
    });
  });

  it(
    "refresh answered with garbage fails and keeps the recorded outputs",
    async () => {
      const before = await stack.stateOwners();
      expect((before[0].outputs.user as { email?: string }).email).toBe("erin@example.com");
      const anchorPath = apiPathOf(anchor as GarbageRow["owner"]);
      const answers: Array<[Omit<FaultRule, "method" | "path" | "times">, string]> = [
        [{ status: 200, body: {} }, "the body has no connectorOwnerUser object"],
        [{ status: 200, body: "" }, "the body is empty"],
      ];
      for (const [answer, problem] of answers) {
        const rule = emulator.faults.add({ method: "GET", path: anchorPath, times: Infinity, ...answer });
        const run = await stack.run(["refresh", "--yes", "--skip-preview"]);
        emulator.faults.remove(rule);
        expect(run.code).not.toBe(0);
        expect(errorsFor(run, "anchor")).toEqual([`C1 API GET ${anchorPath} returned an invalid response (200): ${problem}`]);
        expect(await stack.stateOwners()).toEqual(before);
      }
      expect(emulator.store.listOwners()).toEqual([{ appId: "app-github", connectorId: "conn-github", roleSlug: "owner", userId: "u-erin" }]);
    },
    RUN_TIMEOUT_MS,
  );
});
