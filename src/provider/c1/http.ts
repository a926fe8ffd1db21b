import * as http from "node:http";
import * as https from "node:https";
import type { AxiosInstance, AxiosStatic } from "axios";
import { C1InvalidResponseError, C1NetworkError, C1RateLimitedError, type RequestTarget } from "../errors";
import type { RequestPace } from "./pace";
import { type AttemptFailure, isRetryableFailure, rateLimitWait, type RetryPolicy, retryDelayFor } from "./retry";

/** An HTTP answer, whatever its status, with the body as text (parsed by the caller). */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Record<string, unknown>;
  body: string;
}

/** One request as the retry loop sends it. */
export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  headers: Record<string, string>;
  data?: string;
}

/** Builds the request of each attempt anew, for a request that must not be sent twice (a signed assertion). */
export type HttpRequestFactory = (attempt: number) => Promise<HttpRequest>;

/** The package's User-Agent, so C1 can tell this provider's traffic apart. */
export const USER_AGENT = "pulumi-conductorone-owners";

/** The largest answer read. A page of 100 owners with their users is far below it. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** The largest request body sent; the provider's own are a few hundred bytes. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Creates the one axios instance of a provider process: keep-alive sockets, a per-request
 * timeout (made a hard deadline by sendWithRetries), size limits both ways, every status handed
 * back (the retry loop and callers decide), bodies kept as text, and no redirects (a redirect
 * would carry the bearer token to wherever it points).
 */
export function createHttpInstance(timeoutMs: number): AxiosInstance {
  // Loaded here, not at the top: the Pulumi program imports this module (through the resources'
  // provider modules) but never sends a request, and axios costs about 30 ms to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axios = (require("axios") as { default: AxiosStatic }).default;
  return axios.create({
    timeout: timeoutMs,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_REQUEST_BYTES,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });
}

/** The Node.js error code of a failed request. Reads only `code`: the error itself holds headers. */
function networkCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : "ERR_NETWORK";
}

/**
 * The status of an answer axios dropped for being over MAX_RESPONSE_BYTES, or undefined for any
 * other failure. Reads only the message and the status code (Node's ClientRequest keeps the
 * response it got in `res`), never the error's config.
 */
function oversizedAnswerStatus(error: unknown): number | undefined {
  const failed = error as { code?: unknown; message?: unknown; request?: { res?: { statusCode?: unknown } } } | null;
  if (failed?.code !== "ERR_BAD_RESPONSE" || failed.message !== `maxContentLength size of ${MAX_RESPONSE_BYTES} exceeded`) return undefined;
  const status = failed.request?.res?.statusCode;
  return typeof status === "number" ? status : 0;
}

/**
 * Sends one attempt, aborted after `deadlineMs` whatever its phase: connecting, waiting for
 * headers or reading the body. Returns the answer if any, and the failure the retry rules judge
 * (its status, or a network code: ETIMEDOUT at the deadline). Throws C1InvalidResponseError for
 * an answer over MAX_RESPONSE_BYTES: a server that sends that much will send it again.
 */
async function attemptOnce(
  instance: AxiosInstance,
  request: HttpRequest,
  target: RequestTarget,
  deadlineMs: number,
): Promise<{ response?: HttpResponse; failure: AttemptFailure }> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  try {
    const answer = await instance.request<string>({ ...request, signal: deadline.signal });
    const response: HttpResponse = {
      status: answer.status,
      statusText: answer.statusText || http.STATUS_CODES[answer.status] || "",
      headers: { ...(answer.headers as Record<string, unknown>) },
      body: typeof answer.data === "string" ? answer.data : "",
    };
    return { response, failure: { status: response.status, headers: response.headers } };
  } catch (error) {
    const oversized = oversizedAnswerStatus(error);
    if (oversized !== undefined) {
      throw new C1InvalidResponseError(target, oversized, `the body is over the ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB response size limit`);
    }
    return { failure: { networkCode: deadline.signal.aborted ? "ETIMEDOUT" : networkCodeOf(error) } };
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a request, retrying 429, 500, 502, 503, 504 and transient network errors within the
 * policy's bounds. Returns the last answer, whatever its status; throws C1NetworkError when the
 * last attempt got no answer at all, C1RateLimitedError when C1 still answered 429 as the time
 * budget ran out, C1InvalidResponseError for an answer over MAX_RESPONSE_BYTES.
 *
 * Every attempt first waits its turn in the process's pace for the host (pace.ts), which a 429
 * slows down for every call at once. A 429 is retried for as long as `maxElapsedMs` allows;
 * `maxRetries` bounds the retries of 5xx answers and network errors.
 *
 * Deadlines: axios enforces the instance's `timeout` only until the headers arrive, after which
 * it only bounds the silence between bytes, so a server dripping its body would hold a call for
 * ever. Each attempt is therefore aborted `timeout` ms after it starts, whatever its phase (a
 * retryable ETIMEDOUT), and no attempt runs past the call's deadline: `maxElapsedMs` after the
 * first attempt started, or one full `timeout` if that is longer.
 */
export async function sendWithRetries(
  instance: AxiosInstance,
  request: HttpRequest | HttpRequestFactory,
  target: RequestTarget,
  policy: RetryPolicy,
  pace: RequestPace,
): Promise<{ response: HttpResponse; attempts: number }> {
  const started = Date.now();
  const attemptTimeoutMs = instance.defaults.timeout ?? 0;
  const callDeadline = started + Math.max(policy.maxElapsedMs, attemptTimeoutMs);
  let rateLimited = 0;
  let retries = 0;
  for (let attempt = 1; ; attempt++) {
    // The turn first, then the request: a signed assertion must not age through a pause.
    await pace.acquire();
    const sent = typeof request === "function" ? await request(attempt) : request;
    const remainingMs = Math.max(0, callDeadline - Date.now());
    const { response, failure } = await attemptOnce(instance, sent, target, attemptTimeoutMs > 0 ? Math.min(attemptTimeoutMs, remainingMs) : remainingMs);
    if (failure.status === 429) {
      rateLimited++;
      const wait = rateLimitWait(rateLimited, failure, policy, Date.now() - started);
      if (wait === undefined) throw new C1RateLimitedError(target, rateLimited, Date.now() - started, policy.maxElapsedMs);
      // Everyone waits, each to a jittered moment after it: the next acquire() does the waiting.
      pace.onRateLimited(wait);
      continue;
    }
    if (response) pace.onAnswer();
    if (response && !isRetryableFailure(failure)) return { response, attempts: attempt };
    const delay = retryDelayFor(++retries, failure, policy, Date.now() - started);
    if (delay === undefined) {
      if (response) return { response, attempts: attempt };
      throw new C1NetworkError(target, failure.networkCode ?? "ERR_NETWORK", attempt);
    }
    await sleep(delay);
  }
}
