/**
 * The ownership guardrails as a ready policy pack:
 *   npm run pulumi -- preview --policy-pack examples/policy-pack [--policy-pack-config FILE]
 * Three stack policies, each mandatory unless the pack config says otherwise: c1-minimum-owners
 * (2 owners per connector role, `minOwnersByRole` per role slug), c1-active-owners (owners' C1
 * users ENABLED, as the last refresh or create recorded) and c1-allowed-owners (email domain
 * allowlist, user id deny list). The README's "Policy" section describes the config.
 */
import { PolicyPack } from "@pulumi/policy";
// As in your own pack. In this repo, `npm run pulumi` builds provider/ into node_modules first.
import { ownershipPolicies } from "pulumi-conductorone-owners/policy";

new PolicyPack("c1-ownership-guardrails", { policies: ownershipPolicies() });
