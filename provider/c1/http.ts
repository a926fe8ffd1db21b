import * as http from "node:http";
import * as https from "node:https";
import axios, { type AxiosInstance } from "axios";
import { C1NetworkError, type RequestTarget } from "./errors";
import { type AttemptFailure, isRetryableFailure, type RetryPolicy, retryDelayFor } from "./retry";

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

/** The package's User-Agent, so C1 can tell this provider's traffic apart. */
export const USER_AGENT = "pulumi-conductorone-owners";

/**
 * Creates the one axios instance of a provider process: keep-alive sockets, a per-request
 * timeout, every status handed back (the retry loop and callers decide), bodies kept as text,
 * and no redirects (a redirect would carry the bearer token to wherever it points).
 */
export function createHttpInstance(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a request, retrying 429, 500, 502, 503, 504 and transient network errors within the
 * policy's bounds. Returns the last answer, whatever its status; throws C1NetworkError when the
 * last attempt got no answer at all.
 */
export async function sendWithRetries(
  instance: AxiosInstance,
  request: HttpRequest,
  target: RequestTarget,
  policy: RetryPolicy,
): Promise<{ response: HttpResponse; attempts: number }> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    let response: HttpResponse | undefined;
    let failure: AttemptFailure;
    try {
      const answer = await instance.request<string>({
        method: request.method,
        url: request.url,
        headers: request.headers,
        data: request.data,
      });
      response = {
        status: answer.status,
        statusText: answer.statusText || http.STATUS_CODES[answer.status] || "",
        headers: { ...(answer.headers as Record<string, unknown>) },
        body: typeof answer.data === "string" ? answer.data : "",
      };
      failure = { status: response.status, headers: response.headers };
      if (!isRetryableFailure(failure)) return { response, attempts: attempt };
    } catch (error) {
      failure = { networkCode: networkCodeOf(error) };
    }
    const delay = retryDelayFor(attempt, failure, policy, Date.now() - started);
    if (delay === undefined) {
      if (response) return { response, attempts: attempt };
      throw new C1NetworkError(target, failure.networkCode ?? "ERR_NETWORK", attempt);
    }
    await sleep(delay);
  }
}
