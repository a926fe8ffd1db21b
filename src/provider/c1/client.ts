import type { AxiosInstance } from "axios";
import { C1ApiError, C1InvalidResponseError, type RequestTarget } from "../errors";
import { createHttpInstance, type HttpResponse, sendWithRetries, USER_AGENT } from "./http";
import { paceFor, type RequestPace } from "./pace";
import type { RetryPolicy } from "./retry";
import type { Settings } from "./settings";
import { createTokenSource, type TokenSource } from "./token-source";

/** A JSON object as C1 returns it. */
export type JsonObject = Record<string, unknown>;

/** C1's gRPC-gateway error body: `{code, message, details}`. */
function parseErrorBody(body: string): { apiCode?: number; apiMessage?: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    return {
      apiCode: typeof parsed?.code === "number" ? parsed.code : undefined,
      apiMessage: typeof parsed?.message === "string" && parsed.message !== "" ? parsed.message.slice(0, 500) : undefined,
    };
  } catch {
    return {};
  }
}

function parseSuccessBody(target: RequestTarget, response: HttpResponse): JsonObject {
  if (response.body.trim() === "") {
    throw new C1InvalidResponseError(target, response.status, "the body is empty");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    const type = String(response.headers["content-type"] ?? "unknown content type");
    throw new C1InvalidResponseError(target, response.status, `the body is not JSON (${type})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new C1InvalidResponseError(target, response.status, "the body is not a JSON object");
  }
  return parsed as JsonObject;
}

/**
 * A client for C1's REST API: bearer auth from a token source, bounded retries, one fresh token
 * and a second try when C1 answers 401 to a fetched token, and typed errors for everything else.
 */
export class C1Client {
  constructor(
    private readonly serverUrl: string,
    private readonly instance: AxiosInstance,
    private readonly tokens: TokenSource,
    private readonly retry: RetryPolicy,
    /** The process's pace for this host (pace.ts), shared with every other client of it. */
    private readonly pace: RequestPace = paceFor(new URL(serverUrl).origin),
  ) {}

  /** Builds the client of a provider process from its settings. */
  static fromSettings(settings: Settings): C1Client {
    const instance = createHttpInstance(settings.requestTimeoutMs);
    const tokens = createTokenSource(settings.auth, settings.serverUrl, instance, settings.retry);
    return new C1Client(settings.serverUrl, instance, tokens, settings.retry);
  }

  /**
   * Calls `method path` and returns the parsed JSON body of a 2xx answer. Throws C1ApiError for
   * an error status, C1InvalidResponseError for a 2xx body that is not a JSON object,
   * C1NetworkError when no answer came, C1AuthError when no token could be had.
   */
  async call(method: "GET" | "POST" | "DELETE", path: string, body?: JsonObject): Promise<JsonObject> {
    const target = { method, path };
    let token = await this.tokens.getToken();
    let { response, attempts } = await this.send(method, path, token, body);
    if (response.status === 401 && this.tokens.invalidate(token)) {
      // The token was revoked or expired early: fetch a new one once and try again.
      token = await this.tokens.getToken();
      const second = await this.send(method, path, token, body);
      response = second.response;
      attempts += second.attempts;
    }
    if (response.status < 200 || response.status >= 300) {
      throw new C1ApiError(target, {
        status: response.status,
        statusText: response.statusText,
        attempts,
        ...parseErrorBody(response.body),
      });
    }
    // A DELETE's outcome is its status; the spec's `{}` body carries nothing, so an empty one is fine.
    if (method === "DELETE" && response.body.trim() === "") return {};
    return parseSuccessBody(target, response);
  }

  private send(method: "GET" | "POST" | "DELETE", path: string, token: string, body?: JsonObject) {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: "application/json",
      "User-Agent": USER_AGENT,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return sendWithRetries(
      this.instance,
      { method, url: `${this.serverUrl}${path}`, headers, data: body === undefined ? undefined : JSON.stringify(body) },
      { method, path },
      this.retry,
      this.pace,
    );
  }
}
