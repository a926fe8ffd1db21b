/**
 * The drift report: what C1 has now against what an ownership stack recorded, per owner, for people.
 *
 * How it is computed, without changing anything: the stack's state (`exportStack`) gives each
 * role resource's recorded outputs (its `userIds`, and `owners` with their emails); a refresh in
 * preview mode (`stack.refresh({ previewOnly: true })`, the Automation API's
 * `pulumi refresh --preview-only`) reads every role from C1 through the provider and reports the
 * refreshed outputs in its engine events (`metadata.new.outputs`), and writes nothing, neither to
 * C1 nor to the state. Per role, a recorded user that C1 no longer has was removed in C1; a user
 * the refreshed outputs have and the state does not was added outside the code. Only an exclusive
 * role reports every owner C1 has (a non-exclusive one reads only the users it manages), so only
 * exclusive roles can show owners added outside the code. A role whose app or connector is gone
 * from C1 reads as deleted: all its recorded owners were removed in C1.
 */
import { LocalWorkspace, type EngineEvent } from "@pulumi/pulumi/automation";
import { OWNER_RESOURCE_TYPES } from "../provider/model/type-tokens";
import { compareText } from "../provider/util/compare-text";
import { DriftCheckError } from "./errors";

/** The type token of a role resource (ConnectorUserOwners) in state and in engine events. */
const ROLE_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwners;

/** How an owner differs. */
export type DriftChange = "removed in C1" | "added outside the code";

/** One owner that differs between C1 and the stack. */
export interface DriftRow {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
  /** The user's email, when C1 reported it (in the state for a removed owner, in C1 for an added one). */
  email?: string;
  change: DriftChange;
}

/** A role resource's outputs as the state or a refresh has them; fields may be missing or odd. */
export type RoleOutputs = Record<string, unknown>;

/** One role resource: its recorded outputs, and what the refresh read (undefined: gone from C1). */
export interface RoleComparison {
  recorded: RoleOutputs;
  refreshed: RoleOutputs | undefined;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function userIdsOf(outputs: RoleOutputs | undefined): string[] {
  const userIds = outputs?.userIds;
  return Array.isArray(userIds) ? userIds.filter((userId): userId is string => typeof userId === "string") : [];
}

function emailsOf(outputs: RoleOutputs | undefined): Map<string, string> {
  const emails = new Map<string, string>();
  const owners = outputs?.owners;
  if (!Array.isArray(owners)) return emails;
  for (const owner of owners as unknown[]) {
    if (owner === null || typeof owner !== "object") continue;
    const { userId, user } = owner as { userId?: unknown; user?: { email?: unknown } };
    if (typeof userId === "string" && typeof user?.email === "string" && user.email !== "") emails.set(userId, user.email);
  }
  return emails;
}

/** State written before `exclusive` existed is exclusive (see ConnectorUserOwnersOutputs). */
function isExclusive(outputs: RoleOutputs): boolean {
  return outputs.exclusive !== false;
}

/**
 * The owners of one role that differ: recorded users C1 no longer has ("removed in C1"), and, for
 * an exclusive role, users C1 has that the state does not ("added outside the code").
 */
export function computeRoleDrift({ recorded, refreshed }: RoleComparison): DriftRow[] {
  const role = { appId: textOf(recorded.appId), connectorId: textOf(recorded.connectorId), roleSlug: textOf(recorded.roleSlug) };
  const before = userIdsOf(recorded);
  const after = userIdsOf(refreshed);
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  const recordedEmails = emailsOf(recorded);
  const refreshedEmails = emailsOf(refreshed);
  const rows: DriftRow[] = [];
  const row = (userId: string, email: string | undefined, change: DriftChange): DriftRow => ({ ...role, userId, ...(email ? { email } : {}), change });
  for (const userId of before) if (!afterSet.has(userId)) rows.push(row(userId, recordedEmails.get(userId), "removed in C1"));
  if (refreshed !== undefined && isExclusive(recorded)) {
    for (const userId of after) if (!beforeSet.has(userId)) rows.push(row(userId, refreshedEmails.get(userId), "added outside the code"));
  }
  return rows;
}

/** Every differing owner of every role, sorted by app, connector, role, change, then user. */
export function computeDrift(roles: readonly RoleComparison[]): DriftRow[] {
  const keys = (row: DriftRow) => [row.appId, row.connectorId, row.roleSlug, row.change, row.userId];
  return roles.flatMap(computeRoleDrift).sort((a, b) => {
    const [left, right] = [keys(a), keys(b)];
    for (let index = 0; index < left.length; index++) {
      const order = compareText(left[index], right[index]);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** Where the stack is, and the env its engine (and so the provider) runs with. */
export interface DriftCheckRequest {
  stackName: string;
  /** The project directory holding Pulumi.yaml. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Called as the refresh reads each role: how many of the stack's roles it has read. */
  onProgress?: (read: number, total: number) => void;
}

interface StateResource {
  urn?: unknown;
  type?: unknown;
  outputs?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Removes values of credential env vars from a message, in case a tool echoed one. */
function redact(message: string, env: NodeJS.ProcessEnv): string {
  let text = message;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 6 && /SECRET|TOKEN|PASSWORD|PASSPHRASE|KEY/i.test(name)) text = text.split(value).join("[redacted]");
  }
  return text;
}

/** The first line that says what went wrong: an engine error diagnostic, else the CLI's error line. */
function reasonOf(error: unknown, diagnostics: readonly string[]): string {
  const lines = [...diagnostics, String((error as { stderr?: unknown }).stderr ?? ""), error instanceof Error ? error.message : String(error)]
    .flatMap((text) => text.split("\n"))
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const meaningful = lines.find((line) => !/^error: (update failed|preview failed|refresh failed)/i.test(line) && !/^(code|stdout|stderr):/i.test(line));
  return (meaningful ?? "the refresh failed").replace(/^error:\s*/i, "").replace(/^(preview|update|refresh) failed:\s*/i, "");
}

/**
 * Refreshes the stack in preview mode (nothing is changed in C1 or in the state) and returns the
 * owners that differ.
 * @throws DriftCheckError, with a one-line reason, when the stack cannot be read or the refresh fails.
 */
export async function checkDrift(request: DriftCheckRequest): Promise<DriftRow[]> {
  const env = request.env ?? process.env;
  const envVars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const diagnostics: string[] = [];
  const refreshed = new Map<string, RoleOutputs | undefined>();
  const onEvent = (event: EngineEvent) => {
    if (event.diagnosticEvent?.severity === "error") diagnostics.push(event.diagnosticEvent.message);
    const metadata = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
    if (metadata?.type !== ROLE_TYPE) return;
    const gone = metadata.op === "delete" || metadata.op === "discard" || metadata.new === undefined;
    refreshed.set(metadata.urn, gone ? undefined : (metadata.new?.outputs ?? {}));
    request.onProgress?.(refreshed.size, total);
  };
  let resources: StateResource[];
  let total = 0;
  try {
    const stack = await LocalWorkspace.selectStack({ stackName: request.stackName, workDir: request.cwd }, { envVars });
    const deployment = await stack.exportStack();
    resources = ((deployment.deployment as { resources?: StateResource[] } | undefined)?.resources ?? []).filter((resource) => resource.type === ROLE_TYPE);
    total = resources.length;
    await stack.refresh({ previewOnly: true, onEvent, color: "never" });
  } catch (error) {
    throw new DriftCheckError(`could not check stack ${request.stackName} against C1: ${redact(reasonOf(error, diagnostics), env)}`);
  }
  const roles: RoleComparison[] = [];
  for (const resource of resources) {
    const urn = typeof resource.urn === "string" ? resource.urn : "";
    // A resource the refresh reported nothing for is not claimed as drift either way.
    if (!refreshed.has(urn) || !isRecord(resource.outputs)) continue;
    roles.push({ recorded: resource.outputs, refreshed: refreshed.get(urn) });
  }
  return computeDrift(roles);
}
