/**
 * The pace of one provider process's requests to one C1 host, shared by every call (both
 * resources, every role's POSTs and DELETEs, the listings, the token fetches), so that a rate
 * limit is met by the process as a whole instead of by each call on its own.
 *
 * - Unlimited until C1 answers 429: a request then costs one comparison (no wait, no timer).
 * - A 429 with `Retry-After` pauses every request of the process until then, not only the one
 *   that got it, and each waiter wakes at its own jittered moment after it (never before), so the
 *   callers that collided do not retry together and collide again.
 * - Additive increase, multiplicative decrease of a request rate: the first 429 sets it to half
 *   of what got through in the last second (at least 10 a second), each later 429 halves it (at most once
 *   per pause, never below 1), and each answer that is not a 429 raises it by 1/rate, so it climbs
 *   back by about one request per second every second, probing for the limit again. A minute
 *   without a 429 and requests go unlimited again.
 *
 * It only ever delays a request: it never starts one the engine did not ask for.
 */
import { globalSlot } from "../util/global-slot";
import { jitterAfter } from "./retry";

/** The rate never goes below this (requests per second). */
const MIN_RATE = 1;
/** The first rate is at least this: a 429 on a process's first requests says little about the limit. */
const MIN_FIRST_RATE = 10;
/** After this long without a 429 the pace lets requests go unlimited again. */
const QUIET_RESET_MS = 60_000;
/** Multiplicative decrease on a 429. */
const DECREASE = 0.5;
/** The window over which successes are counted to set the first rate. */
const WINDOW_MS = 1_000;

/** What the pace needs from the outside world; tests pass their own. */
export interface PaceClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const realClock: PaceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** A snapshot of the pace, for tests and logs. */
export interface PaceState {
  /** Requests per second, or undefined while no 429 has been seen. */
  rate: number | undefined;
  /** Until when every request waits (epoch ms); 0 when not paused. */
  pausedUntil: number;
  /** 429 answers seen. */
  rateLimitedCount: number;
}

export class RequestPace {
  // Fields are set in the constructor, not as class fields: Pulumi's closure serializer turns a
  // class of an inlined provider into a plain function, which keeps no field initializers.
  private rate: number | undefined;
  /** Until when every request waits (epoch ms). */
  private pausedUntil: number;
  /** The earliest start of the next request at `rate`. */
  private nextSlot: number;
  /** When the rate was last cut, so that one burst of 429s cuts it once. */
  private lastDecreaseAt: number;
  private lastRateLimitedAt: number;
  /** Start times of recent answers that were not 429s, within WINDOW_MS. */
  private recentSuccesses: number[];
  private rateLimitedCount: number;
  private readonly clock: PaceClock;

  constructor(clock: PaceClock = realClock) {
    this.clock = clock;
    this.rate = undefined;
    this.pausedUntil = 0;
    this.nextSlot = 0;
    this.lastDecreaseAt = Number.NEGATIVE_INFINITY;
    this.lastRateLimitedAt = Number.NEGATIVE_INFINITY;
    this.recentSuccesses = [];
    this.rateLimitedCount = 0;
  }

  /** Waits until this process may send its next request to the host. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        // Wake at a moment of one's own after the pause: never earlier than C1 asked.
        await this.clock.sleep(jitterAfter(this.pausedUntil - now, this.clock.random));
        continue; // the pause may have been extended meanwhile
      }
      if (this.rate !== undefined && now - this.lastRateLimitedAt >= QUIET_RESET_MS) this.rate = undefined;
      if (this.rate === undefined) return;
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1_000 / this.rate;
      if (slot > now) await this.clock.sleep(slot - now);
      if (this.clock.now() >= this.pausedUntil) return;
    }
  }

  /** An answer that is not a 429: the rate climbs by 1/rate (about +1 per second per second). */
  onAnswer(): void {
    const now = this.clock.now();
    if (this.rate !== undefined) {
      this.rate += 1 / this.rate;
      return;
    }
    this.recentSuccesses.push(now);
    while (this.recentSuccesses.length > 0 && this.recentSuccesses[0]! <= now - WINDOW_MS) this.recentSuccesses.shift();
  }

  /**
   * A 429: pause everyone until `retryAfterMs` from now (when C1 said), and cut the rate: at the
   * first, to what got through in the last second; later, by half, once per pause.
   */
  onRateLimited(retryAfterMs: number | undefined): void {
    const now = this.clock.now();
    this.rateLimitedCount++;
    this.lastRateLimitedAt = now;
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    if (this.rate === undefined) {
      const recent = this.recentSuccesses.filter((at) => at > now - WINDOW_MS).length;
      // What got through was C1's burst on top of its rate: the rate is below it. Halve it, as every later cut does.
      this.rate = Math.max(MIN_FIRST_RATE, recent * DECREASE);
      this.recentSuccesses = [];
      this.lastDecreaseAt = now;
    } else if (now - this.lastDecreaseAt >= Math.max(WINDOW_MS, retryAfterMs ?? 0)) {
      this.rate = Math.max(MIN_RATE, this.rate * DECREASE);
      this.lastDecreaseAt = now;
    }
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }

  state(): PaceState {
    return { rate: this.rate, pausedUntil: this.pausedUntil, rateLimitedCount: this.rateLimitedCount };
  }
}

/** Forgets every host's pace, so each starts unlimited again (for tests that reuse a server). */
export function forgetPaces(): void {
  globalSlot<Map<string, RequestPace>>("request-pace/v1", () => new Map()).clear();
}

/**
 * The process's pace for requests to `origin` (scheme, host and port): one per C1 host, kept on
 * globalThis so every copy of the provider in the process (one per distinct `__provider` in
 * state) shares it.
 */
export function paceFor(origin: string): RequestPace {
  const paces = globalSlot<Map<string, RequestPace>>("request-pace/v1", () => new Map());
  let pace = paces.get(origin);
  if (pace === undefined) paces.set(origin, (pace = new RequestPace()));
  return pace;
}
