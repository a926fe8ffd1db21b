/**
 * `npm run bench:rate-limit`: the root stack against an emulator in rate-limit mode, each
 * command's wall time against the ideal the limit itself imposes (the requests C1 did, over the
 * rate), at each engine parallelism asked for.
 *
 *   npm run bench:rate-limit                                   # 300 owners, 20/s, burst 40, Retry-After 1, --parallel 16 and 64
 *   npm run bench:rate-limit -- --owners 1000 --parallel 8,16,64 --rate 50 --burst 100 --rounds 2
 *
 * The parallelisms run one after the other, each with its own emulator, stack and backend. The
 * ratio includes the engine's own start and the program's, a few seconds that the limit does not
 * set: for short commands (a preview of 100 roles is 5 s of requests at 20/s) it weighs most.
 * Prints a Markdown table; exits 1 when a command fails (a rate limit must never fail a run).
 */
import { parseArgs } from "node:util";
import type { RequestLogEntry } from "../src/emulator";
import { withRootBenchStack } from "./root-bench-stack";
import { buildBenchDocument } from "./root-document";

/** One command's measurement. */
interface Row {
  parallel: number;
  round: number;
  command: string;
  ms: number;
  done: number;
  limited: number;
  idealMs: number;
}

function numbers(flag: string, value: string): number[] {
  const list = value.split(",").map((item) => Number(item.trim()));
  if (list.some((item) => !Number.isFinite(item) || item <= 0)) throw new Error(`--${flag} takes numbers above 0, got ${JSON.stringify(value)}`);
  return list;
}

async function measure(parallel: number, round: number, owners: number, limit: { rate: number; burst: number; retryAfterSeconds: number }): Promise<Row[]> {
  const rows: Row[] = [];
  await withRootBenchStack(buildBenchDocument(owners), async (emulator, stack) => {
    emulator.rateLimit.set(limit);
    const run = async (command: string, args: string[], before?: () => void) => {
      before?.();
      const since = emulator.requests.length;
      const result = await stack.mustRun([...args, "--parallel", String(parallel)]);
      const entries = emulator.requests.slice(since).filter((entry: RequestLogEntry) => entry.kind !== "admin");
      const done = entries.filter((entry) => entry.fault !== "rate-limit").length;
      rows.push({ parallel, round, command, ms: Math.round(result.ms), done, limited: entries.length - done, idealMs: Math.round((done / limit.rate) * 1000) });
    };
    await run("up", ["up", "--yes", "--skip-preview"]);
    await run("preview --refresh --expect-no-changes", ["preview", "--refresh", "--expect-no-changes"]);
    await run("up --refresh (5 owners removed in C1)", ["up", "--yes", "--skip-preview", "--refresh"], () => {
      for (const owner of emulator.store.listOwners().slice(0, 5)) emulator.store.removeOwner(owner);
    });
    await run("destroy", ["destroy", "--yes", "--skip-preview"]);
    if (emulator.store.listOwners().length !== 0) throw new Error(`destroy left ${emulator.store.listOwners().length} owners in C1`);
  });
  return rows;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      owners: { type: "string", default: "300" },
      parallel: { type: "string", default: "16,64" },
      rate: { type: "string", default: "20" },
      burst: { type: "string", default: "40" },
      "retry-after": { type: "string", default: "1" },
      rounds: { type: "string", default: "1" },
    },
  });
  const [owners] = numbers("owners", values.owners);
  const [rate] = numbers("rate", values.rate);
  const [burst] = numbers("burst", values.burst);
  const [retryAfterSeconds] = numbers("retry-after", values["retry-after"]);
  const [rounds] = numbers("rounds", values.rounds);
  const limit = { rate: rate!, burst: burst!, retryAfterSeconds: retryAfterSeconds! };
  const rows: Row[] = [];
  for (let round = 1; round <= rounds!; round++) {
    for (const parallel of numbers("parallel", values.parallel)) rows.push(...(await measure(parallel, round, owners!, limit)));
  }
  console.log(
    `\nThe root stack, ${owners} owners, against a limit of ${rate}/s (bursts of ${burst}, Retry-After: ${retryAfterSeconds}); target at most 1.5x:\n`,
  );
  console.log("| --parallel | round | command | wall ms | requests done | 429s | ideal ms | wall / ideal |");
  console.log("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    const ratio = row.ms / row.idealMs;
    console.log(
      `| ${row.parallel} | ${row.round} | ${row.command} | ${row.ms} | ${row.done} | ${row.limited} | ${row.idealMs} | ${ratio.toFixed(2)}x${ratio > 1.5 ? " (over)" : ""} |`,
    );
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
