/**
 * The ownership guardrails as `@pulumi/policy` stack policies. Stack policies, because they read
 * what the last create or refresh recorded (the outputs) and count across every resource of the
 * stack. Only types come from `@pulumi/policy`: the pack that calls this brings the package.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { countOwnersByRole, findUnderstaffedRoles } from "./owner-counts";
import { findDisallowedOwners, findInactiveOwners, listDeclaredOwners } from "./owner-checks";
import { readOwnerResources } from "./owner-resources";
import {
  minimumOwnersFor,
  type OwnershipPolicyConfig,
  POLICY_NAMES,
  policyConfigSchemas,
  type PolicyName,
  type ResolvedPolicyConfig,
  resolvePolicyConfig,
  resolvePolicySettings,
} from "./policy-config";
import { disallowedOwnerMessage, inactiveOwnerMessage, understaffedRoleMessage } from "./violation-messages";

/** The owner views of a stack, and this policy's settings: the pack config file over `base`. */
function prepare<P extends PolicyName>(name: P, args: StackValidationArgs, base: ResolvedPolicyConfig[P]) {
  return { views: readOwnerResources(args.resources), settings: resolvePolicySettings(name, args.getConfig(), base) };
}

/**
 * The three ownership policies, for a `PolicyPack`:
 * - `c1-minimum-owners`: every connector role the stack declares has at least `minOwners` owners
 *   (default 2; `minOwnersByRole` per role slug), counted over ConnectorUserOwner and
 *   ConnectorUserOwners (exclusive or not) of the same app, connector and role;
 * - `c1-active-owners`: every owner's C1 user is ENABLED, as the last create or refresh recorded;
 * - `c1-allowed-owners`: owners' emails are at an allowed domain, and no owner is on the deny list.
 *
 * `config` sets the defaults (same shape as the pack config file); the file overrides them.
 * Throws PolicyConfigError when `config` is invalid.
 */
export function ownershipPolicies(config: OwnershipPolicyConfig = {}): StackValidationPolicy[] {
  const resolved = resolvePolicyConfig(config);
  const schemas = policyConfigSchemas(resolved);
  return [
    {
      name: POLICY_NAMES.minimumOwners,
      description: "Every connector role has at least the minimum number of owners, counted across the stack.",
      enforcementLevel: resolved[POLICY_NAMES.minimumOwners].enforcementLevel,
      configSchema: schemas[POLICY_NAMES.minimumOwners],
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const { views, settings } = prepare(POLICY_NAMES.minimumOwners, args, resolved[POLICY_NAMES.minimumOwners]);
        for (const role of findUnderstaffedRoles(countOwnersByRole(views), (roleSlug) => minimumOwnersFor(settings, roleSlug))) {
          reportViolation(understaffedRoleMessage(role), role.resources[0]?.urn);
        }
      },
    },
    {
      name: POLICY_NAMES.activeOwners,
      description: "Every owner is an active (ENABLED) C1 user, as the last create or refresh recorded.",
      enforcementLevel: resolved[POLICY_NAMES.activeOwners].enforcementLevel,
      configSchema: schemas[POLICY_NAMES.activeOwners],
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const { views } = prepare(POLICY_NAMES.activeOwners, args, resolved[POLICY_NAMES.activeOwners]);
        for (const owner of findInactiveOwners(listDeclaredOwners(views))) reportViolation(inactiveOwnerMessage(owner), owner.urn);
      },
    },
    {
      name: POLICY_NAMES.allowedOwners,
      description: "Owners come from the allowed email domains and are not on the deny list.",
      enforcementLevel: resolved[POLICY_NAMES.allowedOwners].enforcementLevel,
      configSchema: schemas[POLICY_NAMES.allowedOwners],
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const { views, settings } = prepare(POLICY_NAMES.allowedOwners, args, resolved[POLICY_NAMES.allowedOwners]);
        for (const owner of findDisallowedOwners(listDeclaredOwners(views), settings)) reportViolation(disallowedOwnerMessage(owner), owner.urn);
      },
    },
  ];
}
