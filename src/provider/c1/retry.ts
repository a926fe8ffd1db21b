/** Bounds on retrying one API call. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before retry n is about baseDelayMs * 2^(n-1), with jitter. */
  baseDelayMs: number;
  /** No single wait is longer; a Retry-After asking for more ends the retries instead. */
  maxDelayMs: number;
  /** No retry starts after this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

/** What went wrong with one attempt, as far as retrying is concerned. */
export interface AttemptFailure {
  /** HTTP status, when the server answered. */
  status?: number;
  /** Response headers (lower-case names), when the server answered. */
  headers?: Record<string, unknown>;
  /** Node.js error code, when it did not. */
  networkCode?: string;
}

// Plain arrays, not Sets: Pulumi's closure serializer writes a captured Set out as an empty object.
const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

// Failures where the request may not have reached C1 or C1 did not finish answering. Retrying a POST
// after one is safe: a duplicate create answers ALREADY_EXISTS and the provider adopts the owner.
const RETRYABLE_NETWORK_CODES: readonly string[] = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
];

/** True for failures worth another attempt: 429, 500, 502, 503, 504 and transient network errors. */
export function isRetryableFailure(failure: AttemptFailure): boolean {
  if (failure.status !== undefined) return RETRYABLE_STATUSES.includes(failure.status);
  return failure.networkCode !== undefined && RETRYABLE_NETWORK_CODES.includes(failure.networkCode);
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * The wait a server asked for, in ms: `retry-after-ms` (C1's SDKs honour it) first, then
 * `Retry-After` as seconds or an HTTP date. Undefined when neither is present and valid.
 */
export function parseRetryAfter(headers: Record<string, unknown> | undefined, now: number = Date.now()): number | undefined {
  const ms = headerValue(headers, "retry-after-ms");
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const after = headerValue(headers, "retry-after")?.trim();
  if (after === undefined || after === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How far past a wait the server asked for a retry may start: a quarter of it, at most this. */
const MAX_JITTER_MS = 2_000;

/**
 * A wait of at least `askedMs` with jitter on top (up to a quarter of it, at most 2 s), so that
 * callers told to wait the same time do not all come back at the same moment.
 */
export function jitterAfter(askedMs: number, random: () => number = Math.random): number {
  return Math.round(askedMs + random() * Math.min(MAX_JITTER_MS, askedMs / 4));
}

/** Capped exponential backoff with jitter: a random wait in [half, full] of base * 2^(retry-1). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

/**
 * How long to wait before retry number `retry` (1 for the first retry) after `failure` (a 5xx or
 * a network error: 429 has its own rule, {@link rateLimitWait}), or undefined when the call should
 * give up: not retryable, out of retries, out of time, or the server asked for a longer wait than
 * the policy allows. A wait the server asked for gets jitter on top, never less.
 */
export function retryDelayFor(
  retry: number,
  failure: AttemptFailure,
  policy: RetryPolicy,
  elapsedMs: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number | undefined {
  if (!isRetryableFailure(failure) || retry > policy.maxRetries) return undefined;
  const requested = failure.status === undefined ? undefined : parseRetryAfter(failure.headers, now);
  if (requested !== undefined && requested > policy.maxDelayMs) return undefined;
  const delay = requested === undefined ? backoffDelay(retry, policy, random) : jitterAfter(requested, random);
  if (elapsedMs + delay > policy.maxElapsedMs) return undefined;
  return delay;
}

/**
 * How long everyone should hold off after the `count`-th 429 of a call: what C1 asked
 * (`Retry-After`), else the backoff for that count. Undefined when that wait would end past
 * `maxElapsedMs` since the call's first attempt: a 429 is a request C1 did not do, so it is
 * retried for as long as the time budget allows, however many times (`maxRetries` does not count
 * 429s), and the one bound is time.
 */
export function rateLimitWait(
  count: number,
  failure: AttemptFailure,
  policy: RetryPolicy,
  elapsedMs: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number | undefined {
  const wait = parseRetryAfter(failure.headers, now) ?? backoffDelay(count, policy, random);
  return elapsedMs + wait > policy.maxElapsedMs ? undefined : wait;
}
