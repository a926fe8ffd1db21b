/**
 * `npm run bench:verify-users`: what looking up the users a change adds costs a pull request's
 * preview. The root stack is deployed with a base document; then `preview --refresh` of the
 * document with N users added (N new owners, each a user of its own, in new roles of 2-4 users,
 * the benchmark document's shape, so each role is one more resource whose check looks its users up) runs with user verification on and
 * off, turn about. Reports each side's median wall time, the ratio on/off, and the requests
 * (user lookups among them) of each side.
 *
 *   npm run bench:verify-users                                    # base 100 owners, adds 100 and 1,000, no latency, 3 rounds
 *   npm run bench:verify-users -- --added 100 --latency 0,50 --rounds 2
 *
 * Prints a Markdown table; exits 1 when a preview fails or a side makes other lookups than expected.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isUsersPath } from "../src/emulator";
import { median } from "./report";
import { OWNERS_CONFIG_KEY, withRootBenchStack } from "./root-bench-stack";
import { buildBenchDocument, type OwnershipDocument } from "./root-document";

interface Sample {
  added: number;
  latencyMs: number;
  verify: boolean;
  ms: number;
  lookups: number;
  requests: number;
}

function numbers(flag: string, value: string, min = 1): number[] {
  const list = value.split(",").map((item) => Number(item.trim()));
  if (list.some((item) => !Number.isInteger(item) || item < min))
    throw new Error(`--${flag} takes whole numbers of at least ${min}, got ${JSON.stringify(value)}`);
  return list;
}

/**
 * The benchmark document's shape for `count` owners (new apps, roles of 2-4 users), with a user
 * of its own in every place: `count` users, none in the deployed document.
 */
function addedDocument(count: number): { document: OwnershipDocument; apps: { appId: string; connectorIds: string[] }[]; userIds: string[] } {
  const bench = buildBenchDocument(count);
  const userIds: string[] = [];
  const fresh = () => {
    const userId = `u-added-${String(userIds.length).padStart(5, "0")}`;
    userIds.push(userId);
    return userId;
  };
  const document: OwnershipDocument = {};
  for (const [appId, connectors] of Object.entries(bench.document)) {
    document[`added-${appId}`] = Object.fromEntries(
      Object.entries(connectors).map(([connectorId, roles]) => [
        connectorId,
        Object.fromEntries(
          Object.entries(roles).map(([roleSlug, role]) => [roleSlug, Array.isArray(role) ? role.map(fresh) : { ...role, users: role.users.map(fresh) }]),
        ),
      ]),
    );
  }
  return { document, apps: bench.apps.map((app) => ({ ...app, appId: `added-${app.appId}` })), userIds };
}

async function measure(baseOwners: number, addedCounts: number[], latencies: number[], rounds: number): Promise<Sample[]> {
  const base = buildBenchDocument(baseOwners);
  const samples: Sample[] = [];
  await withRootBenchStack(base, async (emulator, stack) => {
    await stack.mustRun(["up", "--yes", "--skip-preview"]);
    for (const added of addedCounts) {
      const extra = addedDocument(added);
      for (const { appId, connectorIds } of extra.apps) emulator.store.addApp(appId, connectorIds);
      for (const id of extra.userIds) emulator.store.addUser({ id });
      await stack.setObjectConfig({ [OWNERS_CONFIG_KEY]: { ...base.document, ...extra.document } });
      for (const latencyMs of latencies) {
        emulator.faults.clear();
        if (latencyMs > 0) emulator.faults.add({ delayMs: latencyMs, times: Infinity });
        for (let round = 1; round <= rounds; round++) {
          // Turn about, the side going first alternating by round.
          for (const verify of round % 2 === 1 ? [true, false] : [false, true]) {
            const since = emulator.requests.length;
            const result = await stack.mustRun(["preview", "--refresh"], { CONDUCTORONE_VERIFY_USERS: String(verify) });
            const entries = emulator.requests.slice(since).filter((entry) => entry.kind === "api");
            const lookups = entries.filter((entry) => isUsersPath(entry.path)).length;
            const expected = verify ? extra.userIds.length : 0;
            if (lookups !== expected)
              throw new Error(`preview adding ${added} users, verification ${verify ? "on" : "off"}: ${lookups} user lookups, expected ${expected}`);
            samples.push({ added, latencyMs, verify, ms: Math.round(result.ms), lookups, requests: entries.length });
            process.stderr.write(
              `added ${added}, latency ${latencyMs} ms, round ${round}, verify ${verify}: ${Math.round(result.ms)} ms, ${lookups} lookups\n`,
            );
          }
        }
      }
      emulator.faults.clear();
    }
    await stack.setObjectConfig({ [OWNERS_CONFIG_KEY]: base.document });
    await stack.mustRun(["destroy", "--yes", "--skip-preview"]);
  });
  return samples;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      base: { type: "string", default: "100" },
      added: { type: "string", default: "100,1000" },
      latency: { type: "string", default: "0" },
      rounds: { type: "string", default: "3" },
    },
  });
  const [baseOwners] = numbers("base", values.base);
  const addedCounts = numbers("added", values.added);
  const latencies = numbers("latency", values.latency, 0);
  const [rounds] = numbers("rounds", values.rounds);
  const samples = await measure(baseOwners!, addedCounts, latencies, rounds!);
  const load = (await readFile("/proc/loadavg", "utf8").catch(() => "?")).split(" ").slice(0, 3).join(" ");
  console.log(
    `\n\`preview --refresh\` of the root stack (${baseOwners} owners deployed) with users added (each a new owner, in new roles of 2-4), verification on and off, ${rounds} round(s), load ${load}:\n`,
  );
  console.log("| users added | latency ms | on: median ms | off: median ms | on / off | on: requests (user lookups) | off: requests |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const added of addedCounts) {
    for (const latencyMs of latencies) {
      const side = (verify: boolean) => samples.filter((sample) => sample.added === added && sample.latencyMs === latencyMs && sample.verify === verify);
      const on = side(true);
      const off = side(false);
      const onMs = median(on.map((sample) => sample.ms));
      const offMs = median(off.map((sample) => sample.ms));
      console.log(
        `| ${added} | ${latencyMs} | ${onMs} | ${offMs} | ${(onMs / offMs).toFixed(2)}x | ${on[0]!.requests} (${on[0]!.lookups}) | ${off[0]!.requests} |`,
      );
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
