/**
 * The emulator's rate-limit mode: the tenant's API limit as a token bucket. Each API or token
 * request takes a token; the bucket holds at most `burst` and refills at `rate` a second; a
 * request that finds it empty is answered 429 with `Retry-After` and is not done. Off until set
 * (`rateLimit` option, the admin API's `/_emulator/rate-limit`, or `c1-ownership emulator --rate-limit`).
 */
import { GrpcCode, grpcError, type Reply } from "./http";

/** A token bucket: `rate` requests a second, bursts of up to `burst`, 429s that ask for `retryAfterSeconds`. */
export interface RateLimitSettings {
  rate: number;
  burst: number;
  retryAfterSeconds: number;
}

/** What the rate limit has done. */
export interface RateLimitStatus {
  settings: RateLimitSettings | null;
  /** Requests answered 429 since it was set. */
  limited: number;
}

/** Checks settings from JSON or a command line, naming the bad field. */
export function rateLimitFromJson(body: Record<string, unknown>): RateLimitSettings {
  const number = (name: string, fallback?: number): number => {
    const value = body[name] ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number above 0, got ${JSON.stringify(value)}`);
    return value;
  };
  const rate = number("rate");
  return { rate, burst: number("burst", rate), retryAfterSeconds: number("retryAfterSeconds", 1) };
}

export class RateLimiter {
  private settings: RateLimitSettings | undefined;
  private tokens = 0;
  private refilledAt = 0;
  private limited = 0;

  constructor(private readonly now: () => number) {}

  /** Turns the limit on (with a full bucket) or, with undefined, off. */
  set(settings: RateLimitSettings | undefined): void {
    this.settings = settings && rateLimitFromJson({ ...settings });
    this.tokens = settings?.burst ?? 0;
    this.refilledAt = this.now();
    this.limited = 0;
  }

  /** Takes a token for a request. @returns the 429 to answer, or undefined when the request may go on. */
  take(): Reply | undefined {
    const settings = this.settings;
    if (settings === undefined) return undefined;
    const now = this.now();
    this.tokens = Math.min(settings.burst, this.tokens + ((now - this.refilledAt) / 1000) * settings.rate);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    this.limited++;
    return {
      ...grpcError(429, GrpcCode.RESOURCE_EXHAUSTED, "rate limit exceeded"),
      headers: { "Retry-After": String(settings.retryAfterSeconds) },
    };
  }

  status(): RateLimitStatus {
    return { settings: this.settings ?? null, limited: this.limited };
  }
}
