import { describe, expect, it } from "vitest";
import { paceFor, RequestPace, type PaceClock } from "../../../src/provider/c1/pace";

/** A clock that moves only when someone sleeps, recording each sleep. */
function fakeClock(random = () => 0) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const clock: PaceClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random,
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

describe("the process's request pace", () => {
  it("never waits while C1 has not answered 429", async () => {
    const { clock, sleeps } = fakeClock();
    const pace = new RequestPace(clock);
    for (let i = 0; i < 100; i++) {
      await pace.acquire();
      pace.onAnswer();
    }
    expect(sleeps).toEqual([]);
    expect(pace.state()).toEqual({ rate: undefined, pausedUntil: 0, rateLimitedCount: 0 });
  });

  it.each([
    { draw: 0, slept: 1_000 },
    { draw: 0.5, slept: 1_125 },
    { draw: 1, slept: 1_250 },
  ])("makes a caller that did not get the 429 wait out its Retry-After too, to a jittered moment never earlier ($slept ms)", async ({ draw, slept }) => {
    const { clock, sleeps, now } = fakeClock(() => draw);
    const pace = new RequestPace(clock);
    const start = now();
    pace.onRateLimited(1_000);
    await pace.acquire();
    expect(sleeps).toEqual([slept]);
    expect(now() - start).toBe(slept);
  });

  it("keeps a pause that a later, shorter Retry-After would end sooner", () => {
    const { clock, now } = fakeClock();
    const pace = new RequestPace(clock);
    pace.onRateLimited(5_000);
    pace.onRateLimited(1_000);
    expect(pace.state().pausedUntil).toBe(now() + 5_000);
  });

  it("sets the rate to half of what got through in the last second at the first 429, then halves it at most once per pause", () => {
    const { clock, advance } = fakeClock();
    const pace = new RequestPace(clock);
    for (let i = 0; i < 60; i++) {
      pace.onAnswer();
      advance(10);
    }
    // 60 answers in the last 600 ms, beyond C1's rate thanks to its burst.
    pace.onRateLimited(1_000);
    expect(pace.state().rate).toBe(30);
    // The rest of the same burst of 429s does not cut it again.
    pace.onRateLimited(1_000);
    pace.onRateLimited(1_000);
    expect(pace.state().rate).toBe(30);
    advance(1_000);
    pace.onRateLimited(1_000);
    expect(pace.state().rate).toBe(15);
    expect(pace.state().rateLimitedCount).toBe(4);
  });

  it("starts at 10 a second when nothing got through yet, and never cuts the rate below one request a second", () => {
    const { clock, advance } = fakeClock();
    const pace = new RequestPace(clock);
    pace.onRateLimited(1_000);
    expect(pace.state().rate).toBe(10);
    for (let i = 0; i < 10; i++) {
      advance(2_000);
      pace.onRateLimited(1_000);
    }
    expect(pace.state().rate).toBe(1);
  });

  it("raises the rate again by about one request a second per second of answers", () => {
    const { clock, advance } = fakeClock();
    const pace = new RequestPace(clock);
    for (let i = 0; i < 24; i++) pace.onAnswer();
    pace.onRateLimited(undefined);
    expect(pace.state().rate).toBe(12);
    // One second at 12 requests a second: +1/rate each.
    for (let i = 0; i < 12; i++) {
      advance(1000 / 12);
      pace.onAnswer();
    }
    expect(pace.state().rate).toBeGreaterThan(12.9);
    expect(pace.state().rate).toBeLessThan(13);
  });

  it("spaces requests at the rate once it has one", async () => {
    const { clock, now } = fakeClock();
    const pace = new RequestPace(clock);
    for (let i = 0; i < 40; i++) pace.onAnswer();
    pace.onRateLimited(undefined);
    expect(pace.state().rate).toBe(20);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pace.acquire();
      starts.push(now());
    }
    expect(starts.slice(1).map((at, i) => at - starts[i]!)).toEqual([50, 50, 50]);
  });

  it("lets requests go unlimited again after a minute without a 429", async () => {
    const { clock, sleeps, advance } = fakeClock();
    const pace = new RequestPace(clock);
    pace.onRateLimited(undefined);
    advance(60_000);
    for (let i = 0; i < 50; i++) await pace.acquire();
    expect(sleeps).toEqual([]);
    expect(pace.state().rate).toBeUndefined();
  });

  it("is one per host and process", () => {
    expect(paceFor("https://a.example")).toBe(paceFor("https://a.example"));
    expect(paceFor("https://a.example")).not.toBe(paceFor("https://b.example"));
  });
});
