/**
 * Fault injection: one-off rules ("the next POST to the token endpoint gets a 503") and a
 * seeded chaos mode that sprinkles 429s, 503s, connection resets and delays over traffic.
 * Faults apply to the token endpoint and the API, never to the admin API.
 */
import { grpcCodeForStatus, type Reply } from "./http";

/** A fault rule. Omitted matchers match everything. */
export interface FaultRule {
  /** HTTP method, case-insensitive. */
  method?: string;
  /**
   * Matched against the RAW request path: percent-encoded exactly as the client sent it, without
   * the query string. A string must equal it; a RegExp is tested against it.
   */
  path?: string | RegExp;
  /** How many requests the rule hits before it is removed. @default 1 (Infinity allowed) */
  times?: number;
  /** Chance (0..1) that a matching request is hit; misses do not use up `times`. @default 1 */
  probability?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Extra response headers for `status` (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /** Body for `status`: objects are sent as JSON, strings as-is. @default a gRPC-gateway error body */
  body?: string | object;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /**
   * Handle the request for real (the change happens), then destroy the socket without answering:
   * the client cannot tell whether C1 did it. Models an answer lost on the way back.
   */
  lostAnswer?: boolean;
  /** Wait this long first; then handle normally unless `status` or `reset` is also set. */
  delayMs?: number;
}

/** Kinds of fault chaos mode injects. */
export type ChaosKind = "429" | "503" | "reset" | "delay";

/** Chaos mode settings. */
export interface ChaosOptions {
  /** PRNG seed: the same seed and request order give the same faults. */
  seed: number;
  /** Fraction (0..1) of requests that get a fault. */
  rate: number;
  /** @default ['429', '503', 'reset', 'delay'] */
  kinds?: ChaosKind[];
  /** Delay for the 'delay' kind. @default 2000 */
  delayMs?: number;
  /** `Retry-After` sent with injected 429s. @default 1 */
  retryAfterSeconds?: number;
  /** Which traffic chaos applies to. @default 'all' */
  scope?: "all" | "api" | "token";
}

/** What the server should do to one request. */
export interface FaultDecision {
  /** Short description for the request log, e.g. `status:503`, `reset`, `chaos:429`. */
  label: string;
  delayMs?: number;
  reset?: boolean;
  /** Handle the request, then destroy the socket instead of answering. */
  lostAnswer?: boolean;
  /** When set, answer with this instead of handling the request. */
  reply?: Reply;
}

/** Counts of injected faults: rule hits and chaos faults by kind. */
export type FaultCounts = Record<"rule" | ChaosKind, number>;

/** A small, fast, seedable PRNG (mulberry32) so chaos runs are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface StoredRule extends FaultRule {
  id: string;
  remaining: number;
}

interface ChaosState extends Required<ChaosOptions> {
  random: () => number;
}

const ALL_CHAOS_KINDS: ChaosKind[] = ["429", "503", "reset", "delay"];

function zeroCounts(): FaultCounts {
  return { rule: 0, "429": 0, "503": 0, reset: 0, delay: 0 };
}

/** Holds fault rules and chaos settings and decides, per request, which fault applies. */
export class FaultInjector {
  private rulesList: StoredRule[] = [];
  private chaosState: ChaosState | undefined;
  private injected = zeroCounts();
  private nextId = 1;

  /** Adds a rule; the first matching rule (in order added) wins. @returns the rule id. */
  add(rule: FaultRule): string {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error(`fault rule times must be > 0, got ${String(rule.times)}`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new Error(`fault rule probability must be between 0 and 1, got ${rule.probability}`);
    }
    if (rule.status === undefined && !rule.reset && !rule.lostAnswer && rule.delayMs === undefined) {
      throw new Error("fault rule needs status, reset, lostAnswer or delayMs");
    }
    const id = `fault-${this.nextId++}`;
    this.rulesList.push({ ...rule, id, remaining: times });
    return id;
  }

  /** Removes one rule. @returns whether it existed. */
  remove(id: string): boolean {
    const before = this.rulesList.length;
    this.rulesList = this.rulesList.filter((r) => r.id !== id);
    return this.rulesList.length !== before;
  }

  /** Removes every rule and stops chaos mode (counts are kept; see {@link resetCounts}). */
  clear(): void {
    this.rulesList = [];
    this.chaosState = undefined;
  }

  /** The active rules with how many hits each has left. */
  rules(): (FaultRule & { id: string; remaining: number })[] {
    return this.rulesList.map((r) => ({ ...r }));
  }

  /** Starts (or restarts with a fresh PRNG) chaos mode. */
  chaos(options: ChaosOptions): void {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`chaos rate must be between 0 and 1, got ${options.rate}`);
    const kinds = options.kinds ?? ALL_CHAOS_KINDS;
    if (kinds.length === 0 || kinds.some((k) => !ALL_CHAOS_KINDS.includes(k))) {
      throw new Error(`chaos kinds must be a non-empty subset of ${ALL_CHAOS_KINDS.join(", ")}`);
    }
    this.chaosState = {
      seed: options.seed,
      rate: options.rate,
      kinds: [...kinds],
      delayMs: options.delayMs ?? 2000,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      scope: options.scope ?? "all",
      random: mulberry32(options.seed),
    };
  }

  /** Stops chaos mode. */
  stopChaos(): void {
    this.chaosState = undefined;
  }

  /** Chaos settings in force, or undefined. */
  chaosSettings(): Required<ChaosOptions> | undefined {
    if (!this.chaosState) return undefined;
    const { random: _random, ...settings } = this.chaosState;
    return settings;
  }

  /** How many faults were injected, by kind. */
  counts(): FaultCounts {
    return { ...this.injected };
  }

  /** Zeroes {@link counts}. */
  resetCounts(): void {
    this.injected = zeroCounts();
  }

  /** Picks the fault for a request, if any, and uses up a rule hit. */
  decide(method: string, rawPath: string, kind: "token" | "api"): FaultDecision | undefined {
    for (const rule of this.rulesList) {
      if (!this.matches(rule, method, rawPath)) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.remove(rule.id);
      this.injected.rule += 1;
      return decisionForRule(rule);
    }
    return this.decideChaos(kind);
  }

  private matches(rule: FaultRule, method: string, rawPath: string): boolean {
    if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
    if (rule.path === undefined) return true;
    if (typeof rule.path === "string") return rule.path === rawPath;
    rule.path.lastIndex = 0; // a /g or /y RegExp would otherwise carry state between requests
    return rule.path.test(rawPath);
  }

  private decideChaos(kind: "token" | "api"): FaultDecision | undefined {
    const chaos = this.chaosState;
    if (!chaos || (chaos.scope !== "all" && chaos.scope !== kind)) return undefined;
    if (chaos.random() >= chaos.rate) return undefined;
    const picked = chaos.kinds[Math.floor(chaos.random() * chaos.kinds.length)] ?? chaos.kinds[0]!;
    this.injected[picked] += 1;
    const label = `chaos:${picked}`;
    switch (picked) {
      case "429":
        return {
          label,
          reply: {
            status: 429,
            headers: { "Retry-After": String(chaos.retryAfterSeconds) },
            body: { code: 8, message: "too many requests (injected)", details: [] },
          },
        };
      case "503":
        return { label, reply: { status: 503, body: { code: 14, message: "service unavailable (injected)", details: [] } } };
      case "reset":
        return { label, reset: true };
      case "delay":
        return { label, delayMs: chaos.delayMs };
    }
  }
}

function decisionForRule(rule: FaultRule): FaultDecision {
  const parts: string[] = [];
  if (rule.delayMs !== undefined) parts.push(`delay:${rule.delayMs}`);
  if (rule.reset) {
    parts.push("reset");
    return { label: parts.join("+"), delayMs: rule.delayMs, reset: true };
  }
  if (rule.lostAnswer) {
    parts.push("lost-answer");
    return { label: parts.join("+"), delayMs: rule.delayMs, lostAnswer: true };
  }
  if (rule.status !== undefined) {
    parts.push(`status:${rule.status}`);
    const body = rule.body ?? { code: grpcCodeForStatus(rule.status), message: "injected fault", details: [] };
    return { label: parts.join("+"), delayMs: rule.delayMs, reply: { status: rule.status, headers: rule.headers, body } };
  }
  return { label: parts.join("+"), delayMs: rule.delayMs };
}

/**
 * Builds a rule from JSON (the admin API). JSON has no RegExp or Infinity, so it also takes
 * `pathRegex` (a RegExp source) and `times: "Infinity"` or `times: null` for unlimited.
 */
export function faultRuleFromJson(json: Record<string, unknown>): FaultRule {
  const rule: FaultRule = {};
  const { method, path, pathRegex, times, probability, status, headers, body, reset, lostAnswer, delayMs } = json;
  if (method !== undefined) rule.method = expectType(method, "string", "method");
  if (path !== undefined && pathRegex !== undefined) throw new Error("give path or pathRegex, not both");
  if (path !== undefined) rule.path = expectType(path, "string", "path");
  if (pathRegex !== undefined) rule.path = new RegExp(expectType(pathRegex, "string", "pathRegex"));
  if (times === null || times === "Infinity") rule.times = Infinity;
  else if (times !== undefined) rule.times = expectType(times, "number", "times");
  if (probability !== undefined) rule.probability = expectType(probability, "number", "probability");
  if (status !== undefined) rule.status = expectType(status, "number", "status");
  if (headers !== undefined) {
    if (headers === null || typeof headers !== "object" || Object.values(headers).some((v) => typeof v !== "string")) {
      throw new Error("headers must be an object of strings");
    }
    rule.headers = headers as Record<string, string>;
  }
  if (body !== undefined) {
    if (typeof body !== "string" && (body === null || typeof body !== "object")) throw new Error("body must be a string or an object");
    rule.body = body;
  }
  if (reset !== undefined) rule.reset = expectType(reset, "boolean", "reset");
  if (lostAnswer !== undefined) rule.lostAnswer = expectType(lostAnswer, "boolean", "lostAnswer");
  if (delayMs !== undefined) rule.delayMs = expectType(delayMs, "number", "delayMs");
  return rule;
}

function expectType<T extends "string" | "number" | "boolean">(
  value: unknown,
  type: T,
  name: string,
): T extends "string" ? string : T extends "number" ? number : boolean {
  if (typeof value !== type) throw new Error(`${name} must be a ${type}`);
  return value as T extends "string" ? string : T extends "number" ? number : boolean;
}
