import { describe, expect, it } from "vitest";
import { forEachLimited } from "../../../src/provider/util/concurrency";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A task that waits `delayOf(item)` ms and records how many tasks were running at once. */
function trackedTask<T>(delayOf: (item: T) => number) {
  const record = { started: [] as T[], finished: [] as T[], running: 0, peak: 0 };
  const task = async (item: T) => {
    record.started.push(item);
    record.running++;
    record.peak = Math.max(record.peak, record.running);
    try {
      await sleep(delayOf(item));
    } finally {
      record.running--;
      record.finished.push(item);
    }
  };
  return { record, task };
}

describe("forEachLimited", () => {
  it("never runs more than `limit` tasks at once, and keeps that many busy", async () => {
    const items = Array.from({ length: 12 }, (_, index) => index);
    const { record, task } = trackedTask((item: number) => 2 + ((item * 7) % 5));
    await forEachLimited(items, 3, task);
    expect(record.peak).toBe(3);
  });

  it("runs every item exactly once, starting them in order", async () => {
    const items = ["a", "b", "c", "d", "e", "f", "g"];
    const { record, task } = trackedTask((item: string) => (item === "a" ? 10 : 1));
    await forEachLimited(items, 2, task);
    expect(record.started).toEqual(items);
    expect([...record.finished].sort()).toEqual(items);
  });

  it("runs one at a time, in order, with a limit of 1", async () => {
    const { record, task } = trackedTask((item: number) => 5 - item);
    await forEachLimited([1, 2, 3, 4], 1, task);
    expect(record.peak).toBe(1);
    expect(record.finished).toEqual([1, 2, 3, 4]);
  });

  it("starts every item at once when the limit is larger than the items", async () => {
    const { record, task } = trackedTask(() => 5);
    await forEachLimited(["x", "y", "z"], 10, task);
    expect(record.peak).toBe(3);
    expect(record.started).toEqual(["x", "y", "z"]);
  });

  it("resolves without calling the task when there are no items", async () => {
    let calls = 0;
    await expect(
      forEachLimited([], 4, async () => {
        calls++;
      }),
    ).resolves.toBeUndefined();
    expect(calls).toBe(0);
  });

  it("still runs the other items after one fails, and rethrows only once all have settled", async () => {
    const items = [1, 2, 3, 4, 5, 6];
    const settled: number[] = [];
    const failure = new Error("item 2 failed");
    const run = forEachLimited(items, 2, async (item) => {
      await sleep(item === 1 ? 30 : 2);
      settled.push(item);
      if (item === 2) throw failure;
    });
    await expect(run).rejects.toBe(failure);
    expect([...settled].sort()).toEqual(items);
  });

  it("rethrows the failure that happened first when several fail", async () => {
    const late = new Error("late");
    const early = new Error("early");
    const run = forEachLimited(["late", "early", "fine"], 3, async (item) => {
      if (item === "late") {
        await sleep(20);
        throw late;
      }
      await sleep(1);
      if (item === "early") throw early;
    });
    await expect(run).rejects.toBe(early);
  });
});
