/**
 * The ownership guardrails, this repository's policy pack:
 *   pulumi preview --policy-pack policy --policy-pack-config policy/config.json
 * Three stack policies, each mandatory unless the pack config says otherwise: c1-minimum-owners
 * (2 owners per connector role, `minOwnersByRole` per role slug), c1-active-owners (owners' C1
 * users ENABLED, as the last refresh or create recorded) and c1-allowed-owners (email domain
 * allowlist, user id deny list). config.json holds the settings; docs/policy.md of
 * pulumi-conductorone-owners describes them.
 */
import { PolicyPack } from "@pulumi/policy";
import { ownershipPolicies } from "pulumi-conductorone-owners/policy";

new PolicyPack("c1-ownership-guardrails", { policies: ownershipPolicies() });
