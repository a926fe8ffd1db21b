/**
 * Error types thrown by the provider. Each carries a stable `code` to switch on and only the
 * fields a person needs. None of them ever holds a request config, a header, a token, a secret
 * or a raw AxiosError: messages and fields are built from safe values only.
 */
import { toPrintableText } from "./util/printable-text";

/** Stable codes for every error this package throws. */
export type C1ErrorCode =
  | "C1_API_ERROR"
  | "C1_RATE_LIMITED"
  | "C1_NETWORK_ERROR"
  | "C1_INVALID_RESPONSE"
  | "C1_AUTH_ERROR"
  | "C1_SETTINGS_ERROR"
  | "C1_INVALID_INPUT"
  | "C1_INVALID_ID";

/** Base class of every error thrown by this package. */
export class C1Error extends Error {
  readonly code: C1ErrorCode;

  // Pulumi's closure serializer rewrites classes into plain functions, so in the provider process
  // new.target is undefined and `super(message)` does not initialise `this`: set both explicitly.
  constructor(code: C1ErrorCode, message: string, name = "C1Error") {
    const printable = toPrintableText(message);
    super(printable);
    this.message = printable;
    this.name = name;
    this.code = code;
    // An operational error, not a bug: the engine prints a provider error's stack (mapped to our
    // TypeScript sources), which would bury the one line a person needs. Keep just that line.
    this.stack = `${name}: ${printable}`;
  }
}

/** Where a failed request went: the HTTP method and the URL path (no host, no query secrets). */
export interface RequestTarget {
  method: string;
  path: string;
}

/** The C1 API answered with an HTTP error status. */
export class C1ApiError extends C1Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly statusText: string;
  /** The gRPC status code from C1's error body (5 = NOT_FOUND, 6 = ALREADY_EXISTS, ...), if any. */
  readonly apiCode?: number;
  /** C1's own error message, if any. */
  readonly apiMessage?: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(target: RequestTarget, details: { status: number; statusText: string; apiCode?: number; apiMessage?: string; attempts: number }) {
    const reason = details.apiMessage ? `: ${details.apiMessage}` : "";
    const tries = details.attempts > 1 ? ` (after ${details.attempts} attempts)` : "";
    super("C1_API_ERROR", `C1 API ${target.method} ${target.path} failed: ${details.status} ${details.statusText}${reason}${tries}`, "C1ApiError");
    this.method = target.method;
    this.path = target.path;
    this.status = details.status;
    this.statusText = toPrintableText(details.statusText);
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage === undefined ? undefined : toPrintableText(details.apiMessage);
    this.attempts = details.attempts;
  }
}

/**
 * C1 kept answering 429 (too many requests) until the call's time budget, `retryMaxElapsedMs`,
 * ran out. The message says how often and for how long, and which setting to raise.
 */
export class C1RateLimitedError extends C1Error {
  readonly method: string;
  readonly path: string;
  readonly status = 429;
  /** How many answers of 429 the call got. */
  readonly rateLimitedCount: number;
  /** How long the call tried, in ms. */
  readonly elapsedMs: number;

  constructor(target: RequestTarget, rateLimitedCount: number, elapsedMs: number, maxElapsedMs: number) {
    super(
      "C1_RATE_LIMITED",
      `C1 API ${target.method} ${target.path} was rate limited: 429 Too Many Requests ${rateLimitedCount} time(s) over ${(elapsedMs / 1000).toFixed(1)} s, ` +
        `and the next wait would pass the time budget of ${maxElapsedMs} ms. Raise conductorone:retryMaxElapsedMs (env CONDUCTORONE_RETRY_MAX_ELAPSED_MS), ` +
        `or run fewer operations at once (pulumi --parallel).`,
      "C1RateLimitedError",
    );
    this.method = target.method;
    this.path = target.path;
    this.rateLimitedCount = rateLimitedCount;
    this.elapsedMs = elapsedMs;
  }
}

/** The request never got an HTTP answer: connection reset or refused, DNS failure, timeout. */
export class C1NetworkError extends C1Error {
  readonly method: string;
  readonly path: string;
  /** The Node.js error code, e.g. ECONNRESET or ETIMEDOUT. */
  readonly networkCode: string;
  readonly attempts: number;

  constructor(target: RequestTarget, networkCode: string, attempts: number) {
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : "";
    super("C1_NETWORK_ERROR", `C1 API ${target.method} ${target.path} failed: network error ${networkCode}${tries}`, "C1NetworkError");
    this.method = target.method;
    this.path = target.path;
    this.networkCode = networkCode;
    this.attempts = attempts;
  }
}

/** C1 (or a proxy in front of it) answered 2xx with a body that is not what the API promises. */
export class C1InvalidResponseError extends C1Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;

  constructor(target: RequestTarget, status: number, problem: string) {
    super("C1_INVALID_RESPONSE", `C1 API ${target.method} ${target.path} returned an invalid response (${status}): ${problem}`, "C1InvalidResponseError");
    this.method = target.method;
    this.path = target.path;
    this.status = status;
  }
}

/** Getting an access token failed. Says little on purpose: never the assertion, key or token. */
export class C1AuthError extends C1Error {
  readonly status?: number;

  constructor(message: string, status?: number) {
    super("C1_AUTH_ERROR", message, "C1AuthError");
    this.status = status;
  }
}

/** A provider setting is missing or malformed. The message names the setting and its env var. */
export class C1SettingsError extends C1Error {
  constructor(message: string) {
    super("C1_SETTINGS_ERROR", message, "C1SettingsError");
  }
}

/** A resource's inputs are invalid where check could not stop them (direct calls, old state). */
export class C1InvalidInputError extends C1Error {
  constructor(message: string) {
    super("C1_INVALID_INPUT", message, "C1InvalidInputError");
  }
}

/** A resource id that is neither `appId/connectorId/roleSlug/userId` nor a Terraform JSON import id. */
export class C1InvalidIdError extends C1Error {
  constructor(message: string) {
    super("C1_INVALID_ID", message, "C1InvalidIdError");
  }
}

/**
 * Type guards that work across copies of this package. They match on `code`, not `instanceof`:
 * the engine's provider process deserializes one copy of the provider per distinct `__provider`
 * in state, and in a deserialized copy an error class does not even inherit from Error. Use these
 * rather than `instanceof` to tell errors apart in tests or scripts.
 */
function hasCode(error: unknown, code: C1ErrorCode): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

const C1_ERROR_CODES: readonly C1ErrorCode[] = [
  "C1_API_ERROR",
  "C1_RATE_LIMITED",
  "C1_NETWORK_ERROR",
  "C1_INVALID_RESPONSE",
  "C1_AUTH_ERROR",
  "C1_SETTINGS_ERROR",
  "C1_INVALID_INPUT",
  "C1_INVALID_ID",
];

/** True for any error this package throws, from any copy of it. */
export function isC1Error(error: unknown): error is C1Error {
  return C1_ERROR_CODES.some((code) => hasCode(error, code));
}

/** True for a C1ApiError (C1 answered with an HTTP error status), from any copy of this package. */
export function isC1ApiError(error: unknown): error is C1ApiError {
  return hasCode(error, "C1_API_ERROR");
}

/** True for a C1RateLimitedError (429 until the time budget ran out), from any copy of this package. */
export function isC1RateLimitedError(error: unknown): error is C1RateLimitedError {
  return hasCode(error, "C1_RATE_LIMITED");
}

/** True for a C1NetworkError (no HTTP answer), from any copy of this package. */
export function isC1NetworkError(error: unknown): error is C1NetworkError {
  return hasCode(error, "C1_NETWORK_ERROR");
}

/** True for a C1InvalidResponseError (a 2xx answer that breaks the API's promise), from any copy. */
export function isC1InvalidResponseError(error: unknown): error is C1InvalidResponseError {
  return hasCode(error, "C1_INVALID_RESPONSE");
}

/** True for a C1AuthError (no access token could be had), from any copy of this package. */
export function isC1AuthError(error: unknown): error is C1AuthError {
  return hasCode(error, "C1_AUTH_ERROR");
}

/** True for a C1SettingsError (a setting is missing or malformed), from any copy of this package. */
export function isC1SettingsError(error: unknown): error is C1SettingsError {
  return hasCode(error, "C1_SETTINGS_ERROR");
}

/** True for a C1InvalidInputError, from any copy of this package. */
export function isC1InvalidInputError(error: unknown): error is C1InvalidInputError {
  return hasCode(error, "C1_INVALID_INPUT");
}

/** True for a C1InvalidIdError, from any copy of this package. */
export function isC1InvalidIdError(error: unknown): error is C1InvalidIdError {
  return hasCode(error, "C1_INVALID_ID");
}
