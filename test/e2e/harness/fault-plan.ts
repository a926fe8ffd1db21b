/**
 * A seeded fault plan: the faults each named call meets, installed as the emulator's one-off fault
 * rules. Chaos mode draws its faults in arrival order, which the engine's parallelism reshuffles on
 * every run; a plan draws them per call (method and path) and a path's rules are used up in the
 * order its attempts arrive, so a seed gives every call the same faults on every run. What a seed
 * exercises is therefore known before it runs: which kinds occur, and that no call fails more
 * often than the provider retries.
 */
import { mulberry32, type C1Emulator, type ChaosKind, type FaultRule, type RequestLogEntry } from "../../../src/emulator";

/** What a plan injects: chaos mode's kinds, and an answer lost after C1 acted. */
export type PlannedFaultKind = ChaosKind | "lost-answer";

/** Every kind, in a fixed order for reports. */
export const PLANNED_FAULT_KINDS: readonly PlannedFaultKind[] = ["429", "503", "reset", "delay", "lost-answer"];

/** One call a plan covers: its first attempts meet the planned faults, the next one goes through. */
export interface PlannedCall {
  method: string;
  /** The raw path, exactly as the client sends it. */
  path: string;
  /** The call may lose one answer after its faults: C1 acts on the attempt, the client never hears. */
  mayLoseAnswer?: boolean;
}

/** How a plan draws faults. */
export interface FaultPlanOptions {
  seed: number;
  /** Chance (0..1) that an attempt meets a fault. */
  rate: number;
  kinds: readonly ChaosKind[];
  /** Chance (0..1) that a call with `mayLoseAnswer` loses an answer. */
  lostAnswerRate: number;
  /** Most failed attempts of one call, lost answer included: below the provider's maxRetries, its retries suffice. */
  maxFailures: number;
  /** How long a `delay` holds a request before C1 handles it. */
  delayMs: number;
  /** `Retry-After` of a 429. */
  retryAfterSeconds: number;
}

/** A planned fault: its kind and the rule that injects it. */
export interface PlannedFault {
  kind: PlannedFaultKind;
  rule: FaultRule & { method: string; path: string };
}

function ruleFor(kind: ChaosKind, options: FaultPlanOptions): Omit<FaultRule, "method" | "path"> {
  switch (kind) {
    case "429":
      return {
        status: 429,
        headers: { "Retry-After": String(options.retryAfterSeconds) },
        body: { code: 8, message: "too many requests (injected)", details: [] },
      };
    case "503":
      return { status: 503, body: { code: 14, message: "service unavailable (injected)", details: [] } };
    case "reset":
      return { reset: true };
    case "delay":
      return { delayMs: options.delayMs };
  }
}

/** Draws the faults of `calls`, in order, from the seed. Pure: the same seed and calls give the same plan. */
export function planFaults(calls: readonly PlannedCall[], options: FaultPlanOptions): PlannedFault[] {
  const random = mulberry32(options.seed);
  const faults: PlannedFault[] = [];
  for (const { method, path, mayLoseAnswer } of calls) {
    const losesAnswer = mayLoseAnswer === true && random() < options.lostAnswerRate;
    const budget = options.maxFailures - (losesAnswer ? 1 : 0);
    for (let failures = 0; failures < budget && random() < options.rate; failures++) {
      const kind = options.kinds[Math.floor(random() * options.kinds.length)] ?? options.kinds[0]!;
      faults.push({ kind, rule: { method, path, ...ruleFor(kind, options) } });
    }
    // Last, so the attempt that loses its answer is the one C1 acts on, as after a real outage.
    if (losesAnswer) faults.push({ kind: "lost-answer", rule: { method, path, lostAnswer: true } });
  }
  return faults;
}

/** How many faults of each kind, with every kind present. */
export function countByKind(kinds: Iterable<PlannedFaultKind>): Record<PlannedFaultKind, number> {
  const counts = Object.fromEntries(PLANNED_FAULT_KINDS.map((kind) => [kind, 0])) as Record<PlannedFaultKind, number>;
  for (const kind of kinds) counts[kind] += 1;
  return counts;
}

/** The kind of a request log fault label a plan's rule leaves (`status:429`, `reset`, `delay:2000`, `lost-answer`). */
export function plannedKindOfLabel(label: string): PlannedFaultKind | undefined {
  if (label === "status:429") return "429";
  if (label === "status:503") return "503";
  if (label === "reset") return "reset";
  if (/^delay:\d+$/.test(label)) return "delay";
  if (label === "lost-answer") return "lost-answer";
  return undefined;
}

/** The planned faults the log shows were injected, by kind. */
export function injectedByKind(entries: readonly RequestLogEntry[]): Record<PlannedFaultKind, number> {
  const kinds: PlannedFaultKind[] = [];
  for (const entry of entries) {
    const kind = entry.fault === undefined ? undefined : plannedKindOfLabel(entry.fault);
    if (kind !== undefined) kinds.push(kind);
  }
  return countByKind(kinds);
}

/** An installed plan: the faults its calls have used up so far (read before `remove`), and removal of the rest. */
export interface InstalledFaultPlan {
  used(): PlannedFault[];
  unused(): PlannedFault[];
  remove(): void;
}

/** Adds the plan's rules to the emulator, each for one request. */
export function installFaultPlan(emulator: C1Emulator, faults: readonly PlannedFault[]): InstalledFaultPlan {
  const installed = faults.map((fault) => ({ fault, id: emulator.faults.add({ ...fault.rule, times: 1 }) }));
  const pending = () => new Set(emulator.faults.rules().map((rule) => rule.id));
  return {
    used: () => {
      const left = pending();
      return installed.filter(({ id }) => !left.has(id)).map(({ fault }) => fault);
    },
    unused: () => {
      const left = pending();
      return installed.filter(({ id }) => left.has(id)).map(({ fault }) => fault);
    },
    remove: () => {
      for (const { id } of installed) emulator.faults.remove(id);
    },
  };
}
