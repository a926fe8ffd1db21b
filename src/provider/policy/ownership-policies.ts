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

type OwnerViews = ReturnType<typeof readOwnerResources>;
type PolicySettings<P extends PolicyName> = ResolvedPolicyConfig[P];

/**
 * One stack policy: its enforcement level and config schema from `resolved`, and a check that gets
 * the stack's owner views and this policy's settings (the pack config file over `resolved`).
 */
function stackPolicy<P extends PolicyName>(
  name: P,
  description: string,
  resolved: ResolvedPolicyConfig,
  schemas: ReturnType<typeof policyConfigSchemas>,
  check: (views: OwnerViews, settings: PolicySettings<P>, reportViolation: ReportViolation) => void,
): StackValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: resolved[name].enforcementLevel,
    configSchema: schemas[name],
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) =>
      check(readOwnerResources(args.resources), resolvePolicySettings(name, args.getConfig(), resolved[name]), reportViolation),
  };
}

/**
 * The three ownership policies, for a `PolicyPack`:
 * - `c1-minimum-owners`: every connector role the stack declares has at least `minOwners` owners
 *   (default 2; `minOwnersByRole` per role slug), counted over ConnectorUserOwner and
 *   ConnectorUserOwners (exclusive or not) of the same app, connector and role;
 * - `c1-active-owners`: every owner's C1 user is ENABLED, as the last create or refresh recorded
 *   (a user the change adds: as the preview's check looked it up);
 * - `c1-allowed-owners`: owners' emails are at an allowed domain, and no owner is on the deny list.
 *
 * `config` sets the defaults (same shape as the pack config file); the file overrides them.
 * Throws PolicyConfigError when `config` is invalid.
 */
export function ownershipPolicies(config: OwnershipPolicyConfig = {}): StackValidationPolicy[] {
  const resolved = resolvePolicyConfig(config);
  const schemas = policyConfigSchemas(resolved);
  return [
    stackPolicy(
      POLICY_NAMES.minimumOwners,
      "Every connector role has at least the minimum number of owners, counted across the stack.",
      resolved,
      schemas,
      (views, settings, reportViolation) => {
        for (const role of findUnderstaffedRoles(countOwnersByRole(views), (roleSlug) => minimumOwnersFor(settings, roleSlug))) {
          reportViolation(understaffedRoleMessage(role), role.resources[0]?.urn);
        }
      },
    ),
    stackPolicy(
      POLICY_NAMES.activeOwners,
      "Every owner is an active (ENABLED) C1 user, as the last create or refresh recorded, or the preview looked up a user it adds.",
      resolved,
      schemas,
      (views, _settings, reportViolation) => {
        for (const owner of findInactiveOwners(listDeclaredOwners(views))) reportViolation(inactiveOwnerMessage(owner), owner.urn);
      },
    ),
    stackPolicy(
      POLICY_NAMES.allowedOwners,
      "Owners come from the allowed email domains and are not on the deny list.",
      resolved,
      schemas,
      (views, settings, reportViolation) => {
        for (const owner of findDisallowedOwners(listDeclaredOwners(views), settings)) reportViolation(disallowedOwnerMessage(owner), owner.urn);
      },
    ),
  ];
}
