/**
 * The request log: what was asked and what was answered, for assertions such as "the provider
 * retried twice". It never holds headers, bodies, tokens or assertions, so a test can print it.
 */

/** Which surface a request hit. */
export type RequestKind = "token" | "api" | "admin";

/** One logged request. */
export interface RequestLogEntry {
  /** 1-based, in arrival order. */
  seq: number;
  /** Arrival time, RFC 3339. */
  at: string;
  method: string;
  /** Raw path as sent (percent-encoded), without the query string. */
  path: string;
  /** Query parameters; any whose name suggests a credential is replaced by `[redacted]`. */
  query: Record<string, string>;
  /** Status sent; 0 when the connection was reset. */
  status: number;
  kind: RequestKind;
  /** The injected fault, e.g. `status:503`, `reset`, `chaos:429`. */
  fault?: string;
  /** Time to answer, in milliseconds. */
  ms: number;
}

/** Selects log entries; every given field must match. */
export interface RequestFilter {
  method?: string;
  /** Exact raw path, or a RegExp tested against it. */
  path?: string | RegExp;
  kind?: RequestKind;
  status?: number;
  /** true: any fault; false: no fault; string: that fault label. */
  fault?: boolean | string;
}

// page_token is a paging cursor, not a credential; anything else token-like is kept out.
const CREDENTIAL_PARAM = /token|secret|assertion|password|key|auth/i;
const SAFE_PARAMS = new Set(["page_token", "page_size", "role_slug"]);

/** Copies query parameters, redacting those whose name suggests a credential. */
export function redactQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    query[name] = !SAFE_PARAMS.has(name) && CREDENTIAL_PARAM.test(name) ? "[redacted]" : value;
  }
  return query;
}

/** True when the entry matches the filter. */
export function matchesRequest(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== entry.method) return false;
  if (filter.kind !== undefined && filter.kind !== entry.kind) return false;
  if (filter.status !== undefined && filter.status !== entry.status) return false;
  if (filter.path !== undefined) {
    if (
      typeof filter.path === "string" ? filter.path !== entry.path : !new RegExp(filter.path.source, filter.path.flags.replace(/[gy]/g, "")).test(entry.path)
    ) {
      return false;
    }
  }
  if (filter.fault === true && entry.fault === undefined) return false;
  if (filter.fault === false && entry.fault !== undefined) return false;
  if (typeof filter.fault === "string" && filter.fault !== entry.fault) return false;
  return true;
}

/** Bounded, append-only request log. */
export class RequestLog {
  private list: RequestLogEntry[] = [];
  private nextSeq = 1;

  /** @param limit oldest entries are dropped past this many, so a long demo does not grow without bound. */
  constructor(private readonly limit = 10_000) {}

  /** A copy of the entries, oldest first. */
  get entries(): RequestLogEntry[] {
    return this.list.map((e) => ({ ...e, query: { ...e.query } }));
  }

  /** Appends an entry and gives it the next sequence number. */
  record(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full: RequestLogEntry = { seq: this.nextSeq++, ...entry };
    this.list.push(full);
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
    return full;
  }

  /** Number of entries matching the filter. */
  count(filter: RequestFilter = {}): number {
    return this.list.filter((e) => matchesRequest(e, filter)).length;
  }

  /** Empties the log and restarts numbering. */
  clear(): void {
    this.list = [];
    this.nextSeq = 1;
  }
}
