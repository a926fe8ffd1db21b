/**
 * Credentials and tokens: demo clients in C1's real format, the checks C1 makes on a client
 * assertion, OIDC token exchange, and the access tokens the API accepts.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { jwtVerify } from "jose";

/** Prefix of a C1 client secret; the rest is base64url (no padding) of an Ed25519 private JWK. */
export const CLIENT_SECRET_PREFIX = "secret-token:conductorone.com:v1:";

/** Host part of emulator client ids (`name-xxxx@emulator.conductor.one/pcc`). */
export const CLIENT_ID_HOST = "emulator.conductor.one";

/** OAuth constants the token endpoint expects. */
export const GRANT_CLIENT_CREDENTIALS = "client_credentials";
export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ASSERTION_TYPE_JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const SUBJECT_TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt";

/** C1 rejects client assertions whose `exp` is further out than this. */
export const MAX_ASSERTION_LIFETIME_MS = 5 * 60 * 1000;

/** A client id and secret, exactly as C1 hands them out. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Body of a successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
}

/** Outcome of a token request: the response, or an OAuth error with its HTTP status. */
export type TokenGrantResult = { ok: true; body: TokenResponse } | { ok: false; status: number; error: string; description: string };

interface AccessTokenRecord {
  expiresAt: number;
  revoked: boolean;
}

interface ClientRecord {
  publicKey: KeyObject;
  secret: string;
  /** The private scalar, kept only so leak checks can look for it on its own. */
  d: string;
}

/** Options for {@link TokenAuthority}. */
export interface TokenAuthorityOptions {
  /** Lifetime of tokens from the token endpoint, read at issuance so tests can change it. */
  tokenLifetimeSeconds: () => number;
  /** Clock in milliseconds since the epoch. */
  now: () => number;
}

function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(24).toString("base64url")}`;
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Hostname of a Host header without the port, as the client computes the assertion `aud`. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

const REJECTED_ASSERTION: TokenGrantResult = {
  ok: false,
  status: 401,
  error: "invalid_client",
  description: "client assertion rejected",
};

/** Issues and checks every credential the emulator knows. */
export class TokenAuthority {
  private readonly clients = new Map<string, ClientRecord>();
  private readonly oidcTokens = new Map<string, { clientId: string; revoked: boolean }>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly everIssued: string[] = [];

  constructor(private readonly options: TokenAuthorityOptions) {}

  /**
   * Creates a client with a fresh Ed25519 key pair.
   * @param name first part of the client id.
   * @returns `{ clientId: '<name>-<random>@emulator.conductor.one/pcc', clientSecret: 'secret-token:conductorone.com:v1:…' }`.
   */
  createClient(name = "demo"): ClientCredentials {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = privateKey.export({ format: "jwk" });
    if (typeof jwk.d !== "string" || typeof jwk.x !== "string") throw new Error("Ed25519 key export failed");
    const clientId = `${name}-${randomBytes(4).toString("hex")}@${CLIENT_ID_HOST}/pcc`;
    const clientSecret = CLIENT_SECRET_PREFIX + base64urlJson({ kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x });
    this.clients.set(clientId, { publicKey, secret: clientSecret, d: jwk.d });
    return { clientId, clientSecret };
  }

  /**
   * Mints an opaque, JWT-looking OIDC token that the token endpoint will exchange for `clientId`
   * (as if a workload identity provider were federated with that client).
   */
  issueOidcToken(clientId: string): string {
    const header = base64urlJson({ alg: "RS256", typ: "JWT" });
    const payload = base64urlJson({ iss: "https://oidc.emulator.invalid", sub: clientId, jti: randomBytes(8).toString("hex") });
    const token = `${header}.${payload}.${randomBytes(32).toString("base64url")}`;
    this.oidcTokens.set(token, { clientId, revoked: false });
    return token;
  }

  /** Makes an OIDC token unusable for exchange. @returns whether it was known. */
  revokeOidcToken(token: string): boolean {
    const record = this.oidcTokens.get(token);
    if (record) record.revoked = true;
    return record !== undefined;
  }

  /**
   * Mints a bearer token the API accepts, as for `CONDUCTORONE_ACCESS_TOKEN`.
   * @param options.lifetimeSeconds @default Infinity (a pasted token does not expire during a run)
   */
  issueAccessToken(options: { lifetimeSeconds?: number } = {}): string {
    return this.mintAccessToken(options.lifetimeSeconds ?? Infinity);
  }

  /** Invalidates every access token issued so far (a mid-run revocation). Clients and OIDC tokens stay valid. */
  revokeAllTokens(): void {
    for (const record of this.accessTokens.values()) record.revoked = true;
  }

  /** Forgets every access token (used by reset); {@link issuedTokens} still lists them. */
  clearAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** True when the token was issued here, is not revoked and has not expired. */
  isValidAccessToken(token: string): boolean {
    const record = this.accessTokens.get(token);
    return record !== undefined && !record.revoked && this.options.now() < record.expiresAt;
  }

  /** Every access token string ever issued, for leak checks. */
  issuedTokens(): string[] {
    return [...this.everIssued];
  }

  /** The secret of every client created, for leak checks. */
  clientSecrets(): string[] {
    return [...this.clients.values()].map((c) => c.secret);
  }

  /** Everything a log or error must never contain: secrets, private keys, OIDC and access tokens. */
  sensitiveValues(): string[] {
    return [...[...this.clients.values()].flatMap((c) => [c.secret, c.d]), ...this.oidcTokens.keys(), ...this.everIssued];
  }

  /**
   * Handles a token endpoint request.
   * @param form the url-encoded request body.
   * @param hostHeader the request's Host header; the assertion `aud` must equal its hostname.
   */
  async grant(form: URLSearchParams, hostHeader: string | undefined): Promise<TokenGrantResult> {
    const grantType = form.get("grant_type");
    if (grantType === GRANT_CLIENT_CREDENTIALS) return this.grantClientCredentials(form, hostHeader);
    if (grantType === GRANT_TOKEN_EXCHANGE) return this.grantTokenExchange(form);
    return { ok: false, status: 400, error: "unsupported_grant_type", description: "unsupported grant_type" };
  }

  private async grantClientCredentials(form: URLSearchParams, hostHeader: string | undefined): Promise<TokenGrantResult> {
    const clientId = form.get("client_id");
    const assertion = form.get("client_assertion");
    if (!clientId || !assertion) {
      return { ok: false, status: 400, error: "invalid_request", description: "client_id and client_assertion are required" };
    }
    if (form.get("client_assertion_type") !== ASSERTION_TYPE_JWT_BEARER) {
      return { ok: false, status: 400, error: "invalid_request", description: "unsupported client_assertion_type" };
    }
    const client = this.clients.get(clientId);
    const audience = hostnameOf(hostHeader);
    if (!client || !audience) return REJECTED_ASSERTION;
    try {
      const { payload, protectedHeader } = await jwtVerify(assertion, client.publicKey, {
        algorithms: ["EdDSA"],
        issuer: clientId,
        subject: clientId,
        audience,
        requiredClaims: ["exp"],
        currentDate: new Date(this.options.now()),
      });
      const nonce = (protectedHeader as { nonce?: unknown }).nonce;
      if (typeof nonce !== "string" || nonce === "") return REJECTED_ASSERTION;
      if ((payload.exp as number) * 1000 - this.options.now() > MAX_ASSERTION_LIFETIME_MS) return REJECTED_ASSERTION;
    } catch {
      // Deliberately no detail: security failures say little.
      return REJECTED_ASSERTION;
    }
    return { ok: true, body: this.tokenResponse() };
  }

  private grantTokenExchange(form: URLSearchParams): TokenGrantResult {
    const clientId = form.get("client_id");
    const subjectToken = form.get("subject_token");
    if (!clientId || !subjectToken) {
      return { ok: false, status: 400, error: "invalid_request", description: "client_id and subject_token are required" };
    }
    if (form.get("subject_token_type") !== SUBJECT_TOKEN_TYPE_JWT) {
      return { ok: false, status: 400, error: "invalid_request", description: "unsupported subject_token_type" };
    }
    const record = this.oidcTokens.get(subjectToken);
    if (!record || record.revoked || record.clientId !== clientId) {
      return { ok: false, status: 400, error: "invalid_grant", description: "subject token rejected" };
    }
    return { ok: true, body: this.tokenResponse() };
  }

  private tokenResponse(): TokenResponse {
    const lifetime = this.options.tokenLifetimeSeconds();
    return { access_token: this.mintAccessToken(lifetime), token_type: "Bearer", expires_in: lifetime };
  }

  private mintAccessToken(lifetimeSeconds: number): string {
    const token = randomToken("c1emu_at_");
    this.accessTokens.set(token, { expiresAt: this.options.now() + lifetimeSeconds * 1000, revoked: false });
    this.everIssued.push(token);
    return token;
  }
}
