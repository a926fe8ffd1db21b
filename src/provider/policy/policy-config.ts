/**
 * The ownership policies' config: one shape for what a pack passes to `ownershipPolicies(config)`
 * and for the policy pack config file (`--policy-pack-config`), keyed by policy name. Validated
 * here with messages that name the setting; the JSON schemas the engine checks the file against
 * are built from the same defaults.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The policies' names, as the pack config file and the engine's output name them. */
export const POLICY_NAMES = {
  minimumOwners: "c1-minimum-owners",
  activeOwners: "c1-active-owners",
  allowedOwners: "c1-allowed-owners",
} as const;

export type PolicyName = (typeof POLICY_NAMES)[keyof typeof POLICY_NAMES];

/** What a violation does: fail the run, warn, or not run the policy at all. */
export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["mandatory", "advisory", "disabled"];

/** Config of `c1-minimum-owners`. */
export interface MinimumOwnersConfig {
  /** @default "mandatory" */
  enforcementLevel?: EnforcementLevel;
  /** Owners every role needs, counted across the stack. @default 2 */
  minOwners?: number;
  /** Per role slug, a minimum that replaces `minOwners` for that role, e.g. `{ "admin": 1 }`. @default {} */
  minOwnersByRole?: Record<string, number>;
}

/** Config of `c1-active-owners`. */
export interface ActiveOwnersConfig {
  /** @default "mandatory" */
  enforcementLevel?: EnforcementLevel;
}

/** Config of `c1-allowed-owners`. */
export interface AllowedOwnersConfig {
  /** @default "mandatory" */
  enforcementLevel?: EnforcementLevel;
  /** Email domains an owner's email must be at (exact match, case-insensitive). Empty allows any. @default [] */
  allowedEmailDomains?: string[];
  /** User ids that may never own a connector. @default [] */
  deniedUserIds?: string[];
}

/**
 * The whole config, keyed by policy name as in the pack config file. A policy's entry may also be
 * just its enforcement level (`"c1-active-owners": "advisory"`), as the file allows.
 */
export interface OwnershipPolicyConfig {
  "c1-minimum-owners"?: MinimumOwnersConfig | EnforcementLevel;
  "c1-active-owners"?: ActiveOwnersConfig | EnforcementLevel;
  "c1-allowed-owners"?: AllowedOwnersConfig | EnforcementLevel;
}

/** Every setting with a value. */
export interface ResolvedPolicyConfig {
  "c1-minimum-owners": Required<MinimumOwnersConfig>;
  "c1-active-owners": Required<ActiveOwnersConfig>;
  "c1-allowed-owners": Required<AllowedOwnersConfig>;
}

/** The defaults: every policy mandatory, two owners per role, nobody refused by the allow rules. */
export const DEFAULT_POLICY_CONFIG: Readonly<ResolvedPolicyConfig> = {
  "c1-minimum-owners": { enforcementLevel: "mandatory", minOwners: 2, minOwnersByRole: {} },
  "c1-active-owners": { enforcementLevel: "mandatory" },
  "c1-allowed-owners": { enforcementLevel: "mandatory", allowedEmailDomains: [], deniedUserIds: [] },
};

/** Invalid policy config; `setting` is its path, e.g. `c1-minimum-owners.minOwnersByRole.admin`. */
export class PolicyConfigError extends Error {
  readonly code = "POLICY_CONFIG_INVALID";
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`policy config ${setting} ${problem}`);
    this.name = "PolicyConfigError";
  }
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Refuses keys that are not settings of `policy` (or, without a policy, not policy names): a typo must not pass silently. */
function refuseUnknownKeys(policy: string | undefined, value: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown === undefined) return;
  if (policy === undefined) throw new PolicyConfigError(unknown, `is not one of the ownership policies (${allowed.join(", ")})`);
  throw new PolicyConfigError(`${policy}.${unknown}`, `is not a setting (settings: ${allowed.join(", ")})`);
}

function parseEnforcementLevel(setting: string, value: unknown): EnforcementLevel {
  if (!ENFORCEMENT_LEVELS.includes(value as EnforcementLevel)) {
    throw new PolicyConfigError(setting, `must be one of ${ENFORCEMENT_LEVELS.join(", ")}, got ${describe(value)}`);
  }
  return value as EnforcementLevel;
}

function parseOwnerCount(setting: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PolicyConfigError(setting, `must be a whole number of owners, 0 or more, got ${describe(value)}`);
  }
  return value;
}

function parseStringList(setting: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item.trim() === "")) {
    throw new PolicyConfigError(setting, `must be a list of non-empty strings, got ${describe(value)}`);
  }
  return value as string[];
}

function parseMinOwnersByRole(setting: string, value: unknown): Record<string, number> {
  if (!isRecord(value)) throw new PolicyConfigError(setting, `must map role slugs to owner counts, got ${describe(value)}`);
  return Object.fromEntries(Object.entries(value).map(([roleSlug, count]) => [roleSlug, parseOwnerCount(`${setting}.${roleSlug}`, count)]));
}

/** How each policy's settings parse, over the values they replace. */
const SETTING_PARSERS: { [P in PolicyName]: { [S in keyof ResolvedPolicyConfig[P]]: (setting: string, value: unknown) => ResolvedPolicyConfig[P][S] } } = {
  "c1-minimum-owners": { enforcementLevel: parseEnforcementLevel, minOwners: parseOwnerCount, minOwnersByRole: parseMinOwnersByRole },
  "c1-active-owners": { enforcementLevel: parseEnforcementLevel },
  "c1-allowed-owners": { enforcementLevel: parseEnforcementLevel, allowedEmailDomains: parseStringList, deniedUserIds: parseStringList },
};

/**
 * One policy's settings: `raw` (an entry of the config, or what the engine's `getConfig()` returns)
 * over `base`. A plain string is the enforcement level. Throws PolicyConfigError naming the setting.
 */
export function resolvePolicySettings<P extends PolicyName>(name: P, raw: unknown, base: ResolvedPolicyConfig[P]): ResolvedPolicyConfig[P] {
  if (raw === undefined || raw === null) return base;
  if (typeof raw === "string") return { ...base, enforcementLevel: parseEnforcementLevel(name, raw) };
  if (!isRecord(raw)) throw new PolicyConfigError(name, `must be an enforcement level or a map of settings, got ${describe(raw)}`);
  const parsers = SETTING_PARSERS[name] as Record<string, (setting: string, value: unknown) => unknown>;
  refuseUnknownKeys(name, raw, Object.keys(parsers));
  const resolved: Record<string, unknown> = { ...base };
  for (const [setting, value] of Object.entries(raw)) {
    if (value !== undefined) resolved[setting] = parsers[setting](`${name}.${setting}`, value);
  }
  return resolved as ResolvedPolicyConfig[P];
}

/** The whole config over the defaults. Throws PolicyConfigError naming the first invalid setting. */
export function resolvePolicyConfig(config: OwnershipPolicyConfig = {}): ResolvedPolicyConfig {
  if (!isRecord(config)) throw new PolicyConfigError("(the whole config)", `must be a map of policy names to settings, got ${describe(config)}`);
  refuseUnknownKeys(undefined, config, Object.values(POLICY_NAMES));
  return {
    "c1-minimum-owners": resolvePolicySettings("c1-minimum-owners", config["c1-minimum-owners"], DEFAULT_POLICY_CONFIG["c1-minimum-owners"]),
    "c1-active-owners": resolvePolicySettings("c1-active-owners", config["c1-active-owners"], DEFAULT_POLICY_CONFIG["c1-active-owners"]),
    "c1-allowed-owners": resolvePolicySettings("c1-allowed-owners", config["c1-allowed-owners"], DEFAULT_POLICY_CONFIG["c1-allowed-owners"]),
  };
}

/** The owners a role needs: its slug's entry in `minOwnersByRole`, else `minOwners`. */
export function minimumOwnersFor(settings: Required<MinimumOwnersConfig>, roleSlug: string): number {
  return Object.hasOwn(settings.minOwnersByRole, roleSlug) ? settings.minOwnersByRole[roleSlug] : settings.minOwners;
}

const STRING_LIST_SCHEMA = { type: "array", items: { type: "string", minLength: 1 } } as const;

/**
 * The JSON schemas the engine checks the pack config file against (`enforcementLevel` is the
 * engine's own), with the resolved values as defaults so `pulumi policy` shows what applies.
 */
export function policyConfigSchemas(config: ResolvedPolicyConfig): { [P in PolicyName]: PolicyConfigSchema } {
  const minimum = config["c1-minimum-owners"];
  const allowed = config["c1-allowed-owners"];
  return {
    "c1-minimum-owners": {
      properties: {
        minOwners: { type: "integer", minimum: 0, default: minimum.minOwners, description: "Owners every connector role needs, counted across the stack." },
        minOwnersByRole: {
          type: "object",
          additionalProperties: { type: "integer", minimum: 0 },
          default: minimum.minOwnersByRole,
          description: "Per role slug, a minimum that replaces minOwners for that role.",
        },
      },
    },
    "c1-active-owners": { properties: {} },
    "c1-allowed-owners": {
      properties: {
        allowedEmailDomains: { ...STRING_LIST_SCHEMA, default: allowed.allowedEmailDomains, description: "Email domains owners must be at; empty allows any." },
        deniedUserIds: { ...STRING_LIST_SCHEMA, default: allowed.deniedUserIds, description: "C1 user ids that may never own a connector." },
      },
    },
  };
}
