/**
 * The ownership guardrails policy pack, the package entry `pulumi-conductorone-owners/policy`.
 * Loaded by a policy pack (which brings `@pulumi/policy`), never by programs: nothing in the
 * provider's main entry imports it.
 */
export { ownershipPolicies } from "./ownership-policies";
export {
  POLICY_NAMES,
  DEFAULT_POLICY_CONFIG,
  PolicyConfigError,
  resolvePolicyConfig,
  resolvePolicySettings,
  minimumOwnersFor,
  policyConfigSchemas,
} from "./policy-config";
export type {
  PolicyName,
  EnforcementLevel,
  OwnershipPolicyConfig,
  ResolvedPolicyConfig,
  MinimumOwnersConfig,
  ActiveOwnersConfig,
  AllowedOwnersConfig,
} from "./policy-config";
export { OWNER_RESOURCE_TYPES, ownerResourceKindOf } from "./resource-kinds";
export type { AnalyzedResource, OwnerResourceKind } from "./resource-kinds";
export { readOwnerResource, readOwnerResources } from "./owner-resources";
export type { OwnerResourceView, RecordedUser, RecordedUserFields } from "./owner-resources";
export { countOwnersByRole, findUnderstaffedRoles } from "./owner-counts";
export type { RoleOwners, UnderstaffedRole } from "./owner-counts";
export { listDeclaredOwners, findInactiveOwners, findDisallowedOwners, emailDomainOf, ACTIVE_USER_STATUS } from "./owner-checks";
export type { DeclaredOwner, InactiveOwner, DisallowedOwner, OwnerAllowRules } from "./owner-checks";
export { NOT_KNOWN } from "./known-values";
