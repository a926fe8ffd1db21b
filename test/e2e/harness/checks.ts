/**
 * What the end-to-end tests conclude from a run: the errors the engine reported, whether C1 (the
 * emulator), the stack's state and the declared owners agree, the requests C1 saw, and the forms
 * of a credential to search outputs and state for.
 */
import type { C1Emulator, OwnerKey, RequestLogEntry } from "../../../src/emulator";
import { formatOwnerId } from "../../../src/provider/model/ids";
import type { CliRun, DeclaredOwner, E2eStack } from "./stack";

/** An owner key as a string, for set comparisons. */
export function keyString(owner: { appId?: unknown; connectorId?: unknown; roleSlug?: unknown; userId?: unknown }): string {
  return JSON.stringify([owner.appId, owner.connectorId, owner.roleSlug, owner.userId]);
}

/** Path of one owner in C1's API, exactly as the provider sends it (each segment percent-encoded). */
export function apiPathOf(owner: { appId: string; connectorId: string; roleSlug: string; userId: string }): string {
  const segment = encodeURIComponent;
  return `/api/v2/apps/${segment(owner.appId)}/connectors/${segment(owner.connectorId)}/owners/users/${segment(owner.roleSlug)}/${segment(owner.userId)}`;
}

/** Error diagnostics the engine attached to the resource `name` in a run. */
export function errorsFor(run: CliRun, name: string): string[] {
  return run.events
    .map((event) => event.diagnosticEvent)
    .filter((diag): diag is NonNullable<typeof diag> => diag !== undefined && diag.severity === "error" && (diag.urn ?? "").endsWith(`::${name}`))
    .map((diag) => diag.message.trim());
}

/**
 * The run's policy violations as "level policy: message", the level as the event log writes it
 * (`mandatory` or `advisory`); the engine puts the policy's description on a line before the message.
 */
export function policyViolations(run: CliRun): string[] {
  return run.events
    .map((event) => event.policyEvent)
    .filter((event): event is NonNullable<typeof event> => event !== undefined)
    .map((event) => `${event.enforcementLevel} ${event.policyName}: ${event.message.trim().split("\n").at(-1)}`);
}

/** Every error diagnostic of a run, whatever resource it belongs to. */
export function allErrors(run: CliRun): string[] {
  return run.events
    .map((event) => event.diagnosticEvent)
    .filter((diag): diag is NonNullable<typeof diag> => diag !== undefined && diag.severity === "error")
    .map((diag) => diag.message.trim());
}

/** The users a run's provider warned it adopted (C1 already had them), sorted, each once. */
export function adoptedUsers(run: CliRun): string[] {
  // Each adoption warns as it happens and again in the summary: a set of users.
  const users = [...run.stdout.matchAll(/C1 already had user (\S+) as /g)].map((match) => match[1]);
  return [...new Set(users)].sort();
}

/** Where C1, the state and the declared owners disagree. Every list should be empty. */
export interface Agreement {
  declared: number;
  inC1: number;
  inState: number;
  /** In C1 but not declared (orphans). */
  onlyInC1: string[];
  /** Declared but missing from C1. */
  missingFromC1: string[];
  /** In state but C1 lacks them. */
  stateWithoutC1: string[];
  /** Declared but not in state. */
  missingFromState: string[];
  /** The same owner recorded by two resources, or one name twice. */
  duplicatesInState: string[];
  /** Recorded with outputs that do not describe the owner (no user, wrong id, missing keys). */
  emptyOutputs: string[];
  pendingOperations: number;
  /** The sum of every list above plus pending operations: the goal is 0. */
  mismatches: number;
}

/**
 * Compares the declared owners, the emulator's owners and the stack's state. `scope` limits the
 * emulator's owners to those of this stack when several stacks share one emulator.
 */
export async function checkAgreement(stack: E2eStack, emulator: C1Emulator, declared: DeclaredOwner[], scope: Partial<OwnerKey> = {}): Promise<Agreement> {
  const { pendingOperations } = await stack.exportDeployment();
  const stateOwners = await stack.stateOwners();
  const declaredKeys = new Set(declared.map(keyString));
  const c1Keys = new Set(emulator.store.listOwners(scope).map(keyString));
  const stateKeys = stateOwners.map((owner) => keyString(owner.outputs));
  const stateKeySet = new Set(stateKeys);
  const seen = new Set<string>();
  const duplicatesInState: string[] = [];
  for (const key of stateKeys) {
    if (seen.has(key)) duplicatesInState.push(key);
    seen.add(key);
  }
  const names = stateOwners.map((owner) => owner.name);
  duplicatesInState.push(...names.filter((name, index) => names.indexOf(name) !== index));
  const emptyOutputs = stateOwners
    .filter((owner) => {
      const user = owner.outputs.user as { id?: unknown; email?: unknown } | undefined;
      const key = owner.outputs as { appId: string; connectorId: string; roleSlug: string; userId: string };
      return typeof user?.email !== "string" || user.id !== key.userId || typeof owner.outputs.createdAt !== "string" || owner.id !== formatOwnerId(key);
    })
    .map((owner) => owner.name);
  const agreement = {
    declared: declaredKeys.size,
    inC1: c1Keys.size,
    inState: stateOwners.length,
    onlyInC1: [...c1Keys].filter((key) => !declaredKeys.has(key)),
    missingFromC1: [...declaredKeys].filter((key) => !c1Keys.has(key)),
    stateWithoutC1: [...stateKeySet].filter((key) => !c1Keys.has(key)),
    missingFromState: [...declaredKeys].filter((key) => !stateKeySet.has(key)),
    duplicatesInState,
    emptyOutputs,
    pendingOperations: pendingOperations.length,
  };
  const mismatches =
    agreement.onlyInC1.length +
    agreement.missingFromC1.length +
    agreement.stateWithoutC1.length +
    agreement.missingFromState.length +
    agreement.duplicatesInState.length +
    agreement.emptyOutputs.length +
    agreement.pendingOperations;
  return { ...agreement, mismatches };
}

/** Request counts over a slice of the emulator's log. */
export function requestFigures(entries: RequestLogEntry[]) {
  const api = entries.filter((entry) => entry.kind === "api");
  const token = entries.filter((entry) => entry.kind === "token");
  const byMethod = (method: string) => api.filter((entry) => entry.method === method).length;
  return {
    total: api.length + token.length,
    api: api.length,
    token: token.length,
    post: byMethod("POST"),
    get: byMethod("GET"),
    delete: byMethod("DELETE"),
    status401: api.filter((entry) => entry.status === 401).length,
  };
}

/** Log entries after `sinceSeq` (the `seq` of the last entry seen before). */
export function requestsSince(emulator: C1Emulator, sinceSeq: number): RequestLogEntry[] {
  return emulator.requests.filter((entry) => entry.seq > sinceSeq);
}

/** The `seq` of the newest log entry, to slice the log per run. */
export function lastSeq(emulator: C1Emulator): number {
  const entries = emulator.requests;
  return entries.length === 0 ? 0 : entries[entries.length - 1].seq;
}

/** Prints one summary line in the test output, `[reliability] label: key=value ...`. */
export function printSummary(label: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`);
  console.log(`[reliability] ${label}: ${parts.join(" ")}`);
}

/** The secret parts of a C1 client secret: the whole secret, its encoded key, the private scalar. */
export function clientSecretParts(clientSecret: string): string[] {
  const encoded = clientSecret.slice("secret-token:conductorone.com:v1:".length);
  const jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as { d: string };
  return [clientSecret, encoded, jwk.d];
}
