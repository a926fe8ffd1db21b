/**
 * `C1Emulator`: a local ConductorOne API over real HTTP (Node's `http`, 127.0.0.1 only) with the
 * token endpoint, the connector user owner API, the users endpoints, fault injection, a request
 * log and an admin API.
 * It is a real server because the Pulumi provider under test runs in another process.
 * Each request goes, by the kind of path, to one route table (`routes/`) through `dispatch`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { TokenAuthority, type ClientCredentials } from "./auth";
import { FaultInjector, type FaultDecision } from "./faults";
import { GrpcCode, grpcError, ReplyError, readBody, splitPath, type Reply, type RouteContext } from "./http";
import { RequestLog, redactQuery, type RequestFilter, type RequestKind, type RequestLogEntry } from "./request-log";
import { dispatch, type RouteTable } from "./router";
import { type AdminControls, adminRoutes, ADMIN_PREFIX } from "./routes/admin";
import { apiRoutes } from "./routes/api";
import type { OwnerRouteSettings } from "./routes/owners";
import { tokenRoutes } from "./routes/token";
import { RateLimiter, type RateLimitSettings } from "./rate-limit";
import { EmulatorStore } from "./store";

/** Settings that can be changed on a running emulator through {@link C1Emulator.settings}. */
export interface C1EmulatorSettings extends OwnerRouteSettings {
  /** `expires_in` of tokens from the token endpoint, in seconds. @default 600 */
  tokenLifetimeSeconds: number;
}

/** Options for {@link C1Emulator}. */
export interface C1EmulatorOptions extends Partial<C1EmulatorSettings> {
  /** Seed the demo directory (apps `app-payroll`, `app-github`; users `u-alice` … `u-erin`). @default true */
  seed?: boolean;
  /** Serve the unauthenticated admin API under `/_emulator/`. @default true */
  admin?: boolean;
  /** Clock (ms since the epoch) for token expiry, assertion checks and timestamps. @default Date.now */
  now?: () => number;
  /** Request log entries kept. @default 10000 */
  requestLogLimit?: number;
  /** Start in rate-limit mode (a token bucket over API and token requests). @default off */
  rateLimit?: RateLimitSettings;
}

/** Defaults for {@link C1EmulatorSettings}. */
export const DEFAULT_EMULATOR_SETTINGS: Readonly<C1EmulatorSettings> = {
  tokenLifetimeSeconds: 600,
  duplicateCreate: "conflict",
  rejectedRoleSlugs: [],
  maxPageSize: 100,
  defaultPageSize: 50,
};

/** Thrown into handlers waiting out an injected delay when the emulator closes. */
class EmulatorClosedError extends Error {}

function classify(rawPath: string): RequestKind {
  if (rawPath === ADMIN_PREFIX.slice(0, -1) || rawPath.startsWith(ADMIN_PREFIX)) return "admin";
  if (rawPath.startsWith("/auth/")) return "token";
  return "api";
}

/** A local C1 API emulator. */
export class C1Emulator implements AdminControls {
  /** Directory and owners; tests arrange data and make out-of-band changes here. */
  readonly store: EmulatorStore;
  /** Clients, OIDC tokens and access tokens. */
  readonly auth: TokenAuthority;
  /** Fault rules and chaos mode. */
  readonly faults = new FaultInjector();
  /** Live settings; changes apply to the next request. */
  readonly settings: C1EmulatorSettings;
  /** The rate-limit mode: `rateLimit.set({rate, burst, retryAfterSeconds})`, or `set(undefined)` to turn it off. */
  readonly rateLimit: RateLimiter;

  private readonly log: RequestLog;
  private readonly seed: boolean;
  private readonly now: () => number;
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private readonly pendingDelays = new Set<() => void>();
  /** The route table of each kind of request. */
  private readonly routeTables: Readonly<Record<RequestKind, RouteTable>>;

  constructor(options: C1EmulatorOptions = {}) {
    const { seed = true, admin = true, now = Date.now, requestLogLimit, rateLimit, ...settings } = options;
    this.settings = { ...DEFAULT_EMULATOR_SETTINGS, ...settings, rejectedRoleSlugs: [...(settings.rejectedRoleSlugs ?? [])] };
    this.seed = seed;
    this.now = now;
    this.store = new EmulatorStore(now);
    this.auth = new TokenAuthority({ now, tokenLifetimeSeconds: () => this.settings.tokenLifetimeSeconds });
    this.log = new RequestLog(requestLogLimit);
    this.rateLimit = new RateLimiter(now);
    this.rateLimit.set(rateLimit);
    const api = apiRoutes(this.auth, this.store, this.settings);
    // With the admin API off, its paths go to the API, which knows none of them (a plain 404).
    this.routeTables = { api, token: tokenRoutes(this.auth), admin: admin ? adminRoutes(this) : api };
    if (seed) this.store.seedDemo();
  }

  /**
   * Starts serving on 127.0.0.1.
   * @param port 0 picks a free port.
   * @returns the base URL, e.g. `http://127.0.0.1:43123`.
   */
  async listen(port = 0): Promise<string> {
    if (this.server) throw new Error(`C1Emulator is already listening on ${this.baseUrl}`);
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Base URL of the running server. @throws when {@link listen} has not been called (or after {@link close}). */
  get url(): string {
    if (!this.baseUrl) throw new Error("C1Emulator is not listening: call `await emulator.listen()` first");
    return this.baseUrl;
  }

  /** True between {@link listen} and {@link close}. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * Stops the server. Open keep-alive connections and requests waiting on an injected delay are
   * destroyed, so this never hangs. Safe to call twice.
   */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    for (const cancel of this.pendingDelays) cancel();
    this.pendingDelays.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /**
   * Back to a clean slate between tests: clears owners, fault rules, chaos mode and counts, the
   * request log and access tokens. Keeps the directory, clients and OIDC tokens (they are
   * credentials handed out, e.g. by the CLI), and re-adds the demo directory when seeding.
   */
  reset(): void {
    this.store.clearOwners();
    if (this.seed) this.store.seedDemo();
    this.faults.clear();
    this.faults.resetCounts();
    this.log.clear();
    this.auth.clearAccessTokens();
  }

  /** A copy of the request log, oldest first. Holds no headers, bodies or credentials. */
  get requests(): RequestLogEntry[] {
    return this.log.entries;
  }

  /** Number of logged requests matching the filter, e.g. `{ kind: 'token' }` or `{ method: 'POST', status: 429 }`. */
  countRequests(filter: RequestFilter = {}): number {
    return this.log.count(filter);
  }

  /** Creates a client; see {@link TokenAuthority.createClient}. */
  createClient(name = "demo"): ClientCredentials {
    return this.auth.createClient(name);
  }

  /** Mints a bearer token, as for `CONDUCTORONE_ACCESS_TOKEN`; see {@link TokenAuthority.issueAccessToken}. */
  issueAccessToken(options?: { lifetimeSeconds?: number }): string {
    return this.auth.issueAccessToken(options);
  }

  /** Mints an OIDC token exchangeable for `clientId`; see {@link TokenAuthority.issueOidcToken}. */
  issueOidcToken(clientId: string): string {
    return this.auth.issueOidcToken(clientId);
  }

  /** Invalidates every access token issued so far. */
  revokeAllTokens(): void {
    this.auth.revokeAllTokens();
  }

  /** Every access token ever issued, for leak checks. */
  issuedTokens(): string[] {
    return this.auth.issuedTokens();
  }

  /** Every created client secret, for leak checks. */
  clientSecrets(): string[] {
    return this.auth.clientSecrets();
  }

  /** Every value that must never appear in output: secrets, private keys, OIDC and access tokens. */
  sensitiveValues(): string[] {
    return this.auth.sensitiveValues();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const at = new Date(this.now()).toISOString();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1));
    const kind = classify(rawPath);

    const logRequest = (status: number, fault: Pick<FaultDecision, "label"> | undefined): void => {
      this.log.record({
        at,
        method,
        path: rawPath,
        query: redactQuery(query),
        status,
        kind,
        ...(fault ? { fault: fault.label } : {}),
        ms: Math.round(performance.now() - started),
      });
    };

    let fault: FaultDecision | undefined;
    let reply: Reply;
    // Read the body before any injected delay, as a real server has it in hand: a request whose
    // client gave up during the delay still takes effect, and the retry then finds its result.
    const body = readBody(req);
    body.catch(() => undefined);
    // Over the tenant's rate limit: answered 429 before anything else, and not done.
    const limited = kind === "admin" ? undefined : this.rateLimit.take();
    if (limited !== undefined) {
      writeReply(res, limited);
      logRequest(limited.status, { label: "rate-limit" });
      return;
    }
    try {
      fault = kind === "admin" ? undefined : this.faults.decide(method, rawPath, kind);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault?.reset) {
        req.socket.destroy();
        logRequest(0, fault);
        return;
      }
      reply = fault?.reply ?? (await this.route(req, method, rawPath, query, kind, body));
      if (fault?.lostAnswer) {
        req.socket.destroy();
        logRequest(0, fault);
        return;
      }
    } catch (err) {
      if (err instanceof EmulatorClosedError) {
        req.socket.destroy();
        logRequest(0, fault);
        return;
      }
      reply = err instanceof ReplyError ? err.reply : grpcError(500, GrpcCode.INTERNAL, "internal error");
    }
    if (res.destroyed) {
      logRequest(0, fault);
      return;
    }
    writeReply(res, reply);
    logRequest(reply.status, fault);
  }

  /** Answers a request from the route table of its kind. */
  private async route(req: IncomingMessage, method: string, rawPath: string, query: URLSearchParams, kind: RequestKind, body: Promise<string>): Promise<Reply> {
    const ctx: RouteContext = {
      method,
      rawPath,
      segments: splitPath(rawPath),
      query,
      host: req.headers.host,
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      remoteAddress: req.socket.remoteAddress,
      readBody: () => body,
    };
    return dispatch(this.routeTables[kind], ctx);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = (): void => {
        clearTimeout(timer);
        reject(new EmulatorClosedError());
      };
      const timer = setTimeout(() => {
        this.pendingDelays.delete(cancel);
        resolve();
      }, ms);
      this.pendingDelays.add(cancel);
    });
  }
}

function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
  let payload = "";
  if (reply.body !== undefined) {
    if (typeof reply.body === "string") {
      payload = reply.body;
      if (!hasContentType) headers["Content-Type"] = "text/plain; charset=utf-8";
    } else {
      payload = JSON.stringify(reply.body);
      if (!hasContentType) headers["Content-Type"] = "application/json";
    }
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
