import { describe, expect, it } from "vitest";
import { backoffDelay, isRetryableFailure, jitterAfter, parseRetryAfter, rateLimitWait, retryDelayFor, type RetryPolicy } from "../../../src/provider/c1/retry";

const policy: RetryPolicy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxElapsedMs: 120_000 };
const top = () => 0.999999;
const bottom = () => 0;

describe("retry rules", () => {
  it.each([429, 500, 502, 503, 504])("retries HTTP %i", (status) => {
    expect(isRetryableFailure({ status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 501])("does not retry HTTP %i", (status) => {
    expect(isRetryableFailure({ status })).toBe(false);
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ECONNABORTED"])("retries network error %s", (networkCode) => {
    expect(isRetryableFailure({ networkCode })).toBe(true);
  });

  it("does not retry a DNS name that does not exist", () => {
    expect(isRetryableFailure({ networkCode: "ENOTFOUND" })).toBe(false);
  });

  it("reads Retry-After in seconds", () => {
    expect(parseRetryAfter({ "retry-after": "3" })).toBe(3000);
  });

  it("reads Retry-After as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, now)).toBe(7000);
  });

  it("prefers retry-after-ms over Retry-After", () => {
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
  });

  it("ignores a Retry-After it cannot read", () => {
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
  });

  it("doubles the backoff per retry, with jitter between half and all of it", () => {
    expect(backoffDelay(1, policy, bottom)).toBe(500);
    expect(backoffDelay(1, policy, top)).toBe(1000);
    expect(backoffDelay(3, policy, top)).toBe(4000);
    expect(backoffDelay(3, policy, bottom)).toBe(2000);
  });

  it("caps the backoff at maxDelayMs", () => {
    expect(backoffDelay(10, policy, top)).toBe(30_000);
  });

  it("waits at least what a server asks for, with jitter of up to a quarter on top", () => {
    expect(retryDelayFor(1, { status: 503, headers: { "retry-after": "2" } }, policy, 0, bottom)).toBe(2000);
    expect(retryDelayFor(1, { status: 503, headers: { "retry-after": "2" } }, policy, 0, top)).toBe(2500);
  });

  it("caps the jitter on top of a long wait at 2 s", () => {
    expect(jitterAfter(20_000, bottom)).toBe(20_000);
    expect(jitterAfter(20_000, top)).toBe(22_000);
  });

  it("gives up on a 5xx when the server asks for a longer wait than the policy allows", () => {
    expect(retryDelayFor(1, { status: 503, headers: { "retry-after": "3600" } }, policy, 0)).toBeUndefined();
  });

  it("holds off a 429 for what C1 asks, else the backoff of its count", () => {
    expect(rateLimitWait(1, { status: 429, headers: { "retry-after": "1" } }, policy, 0)).toBe(1000);
    expect(rateLimitWait(3, { status: 429 }, policy, 0, top)).toBe(4000);
  });

  it("retries a 429 however many times while the time budget lasts, not only maxRetries times", () => {
    expect(rateLimitWait(policy.maxRetries + 50, { status: 429, headers: { "retry-after": "1" } }, policy, 60_000)).toBe(1000);
    expect(rateLimitWait(2, { status: 429, headers: { "retry-after": "1" } }, policy, 119_500)).toBeUndefined();
  });

  it("holds off a 429 longer than maxDelayMs when the time budget allows it", () => {
    expect(rateLimitWait(1, { status: 429, headers: { "retry-after": "60" } }, policy, 0)).toBe(60_000);
    expect(rateLimitWait(1, { status: 429, headers: { "retry-after": "3600" } }, policy, 0)).toBeUndefined();
  });

  it("gives up after maxRetries", () => {
    expect(retryDelayFor(5, { status: 503 }, policy, 0, bottom)).toBeDefined();
    expect(retryDelayFor(6, { status: 503 }, policy, 0, bottom)).toBeUndefined();
  });

  it("gives up when the wait would pass the total time budget", () => {
    expect(retryDelayFor(1, { status: 503 }, policy, 119_800, top)).toBeUndefined();
    expect(retryDelayFor(1, { status: 503 }, policy, 100_000, top)).toBe(1000);
  });
});
