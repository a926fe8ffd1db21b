import type { AxiosInstance } from "axios";
import { createClientAssertion } from "./client-assertion";
import { parseClientSecret } from "./credentials";
import { C1AuthError, C1Error } from "../errors";
import { type HttpResponse, sendWithRetries, USER_AGENT } from "./http";
import { paceFor } from "./pace";
import type { RetryPolicy } from "./retry";
import type { AuthSettings } from "./settings";

/** Where the bearer token of every API call comes from. */
export interface TokenSource {
  /** A token valid now. Concurrent callers share one fetch. */
  getToken(): Promise<string>;
  /** Drops `token` after C1 refused it; false when this source cannot get another (a static token). */
  invalidate(token: string): boolean;
}

/** A token given by the user: used as-is, never refreshed. */
export class StaticTokenSource implements TokenSource {
  constructor(private readonly token: string) {}

  async getToken(): Promise<string> {
    return this.token;
  }

  invalidate(): boolean {
    return false;
  }
}

/** A fetched token and when it stops being valid (epoch ms). */
export interface FetchedToken {
  accessToken: string;
  expiresAt: number;
}

/**
 * Fetches tokens on demand: one fetch at a time shared by all callers (single flight), reused
 * until shortly before `expires_in` runs out, dropped when C1 answers 401 to it.
 */
export class RefreshingTokenSource implements TokenSource {
  private current?: FetchedToken;
  private inFlight?: Promise<FetchedToken>;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(): Promise<string> {
    if (this.current && this.now() < this.current.expiresAt) return this.current.accessToken;
    if (!this.inFlight) {
      this.inFlight = this.fetchToken().then(
        (token) => {
          this.current = token;
          this.inFlight = undefined;
          return token;
        },
        (error: unknown) => {
          this.inFlight = undefined;
          throw error;
        },
      );
    }
    return (await this.inFlight).accessToken;
  }

  invalidate(token: string): boolean {
    if (this.current?.accessToken === token) this.current = undefined;
    return true;
  }
}

/** Refresh this long before expiry (at most half the lifetime), so no call carries a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

const TOKEN_PATH = "/auth/v1/token";

function describeTokenFailure(response: HttpResponse): string {
  let detail = "";
  try {
    const body = JSON.parse(response.body) as { error?: unknown; error_description?: unknown };
    const parts = [body.error, body.error_description].filter((part): part is string => typeof part === "string");
    detail = parts.length > 0 ? `: ${parts.join(": ").slice(0, 300)}` : "";
  } catch {
    // Not JSON (a proxy's page, say): the status alone says enough.
  }
  return `${response.status} ${response.statusText}${detail}`;
}

function parseTokenResponse(response: HttpResponse, now: number): FetchedToken {
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new C1AuthError(`C1 token endpoint POST ${TOKEN_PATH} returned ${response.status} with a body that is not JSON`, response.status);
  }
  if (body === null || typeof body !== "object" || typeof body.access_token !== "string" || body.access_token === "") {
    throw new C1AuthError(`C1 token endpoint POST ${TOKEN_PATH} returned ${response.status} without an access_token`, response.status);
  }
  const lifetimeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 600) * 1000;
  return { accessToken: body.access_token, expiresAt: now + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2) };
}

/** The form fields of one token request; built fresh each time (an assertion is single-use). */
async function tokenRequestForm(auth: Exclude<AuthSettings, { kind: "accessToken" }>, audience: string): Promise<URLSearchParams> {
  if (auth.kind === "oidcTokenExchange") {
    return new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: auth.oidcToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      client_id: auth.clientId,
    });
  }
  const key = parseClientSecret(auth.clientSecret);
  return new URLSearchParams({
    grant_type: "client_credentials",
    client_id: auth.clientId,
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: await createClientAssertion(auth.clientId, key, audience),
  });
}

/**
 * Builds the token source for the configured authentication: a static token, RFC 8693 token
 * exchange of an OIDC token, or client credentials with a signed JWT assertion.
 */
export function createTokenSource(auth: AuthSettings, serverUrl: string, instance: AxiosInstance, retry: RetryPolicy): TokenSource {
  if (auth.kind === "accessToken") return new StaticTokenSource(auth.accessToken);
  const audience = new URL(serverUrl).hostname;
  // The token fetches take their turn with the API calls: one pace per host and process.
  const pace = paceFor(new URL(serverUrl).origin);
  const fetchToken = async (): Promise<FetchedToken> => {
    // Built before sending, so a malformed secret fails as a settings error; each retry signs a
    // fresh assertion, since C1 may refuse one it has already seen or that is about to expire.
    const firstForm = await tokenRequestForm(auth, audience);
    let response: HttpResponse;
    let attempts: number;
    try {
      ({ response, attempts } = await sendWithRetries(
        instance,
        async (attempt) => ({
          method: "POST",
          url: `${serverUrl}${TOKEN_PATH}`,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", "User-Agent": USER_AGENT },
          data: (attempt === 1 ? firstForm : await tokenRequestForm(auth, audience)).toString(),
        }),
        { method: "POST", path: TOKEN_PATH },
        retry,
        pace,
      ));
    } catch (error) {
      const reason = error instanceof C1Error ? error.message : "request failed";
      throw new C1AuthError(`could not get a C1 access token: ${reason}`);
    }
    if (response.status < 200 || response.status >= 300) {
      const tries = attempts > 1 ? ` (after ${attempts} attempts)` : "";
      const flow = auth.kind === "oidcTokenExchange" ? "OIDC token exchange" : "client credentials";
      throw new C1AuthError(
        `could not get a C1 access token (${flow} for client ${auth.clientId}): POST ${TOKEN_PATH} failed: ${describeTokenFailure(response)}${tries}`,
        response.status,
      );
    }
    return parseTokenResponse(response, Date.now());
  };
  return new RefreshingTokenSource(fetchToken);
}
