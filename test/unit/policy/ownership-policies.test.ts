import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { type AnalyzedResource, ownershipPolicies, type OwnershipPolicyConfig, PolicyConfigError } from "../../../src/provider/policy";
import { connectorUserOwners, recordedOwner, setOwner, singleOwner, user } from "./analyzed-resources";

const okta = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };

/** Runs one policy as the policy SDK would: the stack's resources, and `fileConfig` as its getConfig(). */
function violationsOf(name: string, resources: AnalyzedResource[], options: { packConfig?: OwnershipPolicyConfig; fileConfig?: object } = {}) {
  const policy = ownershipPolicies(options.packConfig).find((candidate) => candidate.name === name) as StackValidationPolicy;
  const violations: Array<{ message: string; urn?: string }> = [];
  const args = { resources, getConfig: () => options.fileConfig ?? {}, stackTags: new Map(), notApplicable: () => undefined as never };
  void policy.validateStack(args as unknown as StackValidationArgs, (message, urn) => violations.push({ message, urn }));
  return violations;
}

describe("the ownership policies", () => {
  it("are the three named policies, mandatory by default, each level set from the config", () => {
    expect(ownershipPolicies().map((policy) => [policy.name, policy.enforcementLevel])).toEqual([
      ["c1-minimum-owners", "mandatory"],
      ["c1-active-owners", "mandatory"],
      ["c1-allowed-owners", "mandatory"],
    ]);
    expect(ownershipPolicies({ "c1-active-owners": "advisory" }).map((policy) => policy.enforcementLevel)).toEqual(["mandatory", "advisory", "mandatory"]);
  });

  it("refuse an invalid config when the pack is built", () => {
    expect(() => ownershipPolicies({ "c1-minimum-owners": { minOwners: -2 } })).toThrow(PolicyConfigError);
  });

  it("c1-minimum-owners names the role, its owners and what to change, on the role's resource", () => {
    const violations = violationsOf("c1-minimum-owners", [singleOwner("payroll-okta-alice", okta, "u-alice")]);
    expect(violations).toEqual([
      {
        message:
          "app app-payroll, connector conn-okta, role owner has 1 owner(s) (u-alice) in this stack, fewer than the 2 required (declared by payroll-okta-alice). " +
          "Add 1 more owner(s) to the role, or change c1-minimum-owners.minOwnersByRole.owner in the policy pack config.",
        urn: singleOwner("payroll-okta-alice", okta, "u-alice").urn,
      },
    ]);
  });

  it("c1-minimum-owners passes two owners declared by a set and a single owner", () => {
    expect(violationsOf("c1-minimum-owners", [connectorUserOwners("okta-owners", okta, ["u-alice"]), singleOwner("okta-bob", okta, "u-bob")])).toEqual([]);
  });

  it("c1-minimum-owners takes its thresholds from the pack config file", () => {
    const resources = [
      connectorUserOwners("okta-owners", okta, ["u-alice", "u-bob"]),
      connectorUserOwners("okta-admins", { ...okta, roleSlug: "admin" }, ["u-carol"]),
    ];
    const fileConfig = { minOwners: 3, minOwnersByRole: { admin: 1 } };
    expect(violationsOf("c1-minimum-owners", resources, { fileConfig }).map((violation) => violation.message)).toEqual([
      expect.stringContaining("role owner has 2 owner(s) (u-alice, u-bob) in this stack, fewer than the 3 required"),
    ]);
  });

  it("c1-active-owners names the disabled user with its email and says to replace it", () => {
    const violations = violationsOf("c1-active-owners", [
      connectorUserOwners("okta-owners", okta, ["u-alice", "u-bob"], { owners: [setOwner("u-alice"), setOwner("u-bob", "DISABLED")] }),
    ]);
    expect(violations.map((violation) => violation.message)).toEqual([
      "user u-bob (bob@example.com), owner of app app-payroll, connector conn-okta, role owner (okta-owners), is DISABLED in C1, as the last refresh or create recorded. " +
        "Remove u-bob from the role and name an active owner instead.",
    ]);
  });

  it("c1-active-owners and c1-allowed-owners judge a user the change adds by what the preview's check looked up (verifiedUsers)", () => {
    // A set being updated in a preview: inputs only, with verifiedUsers for the added u-frank and u-cody.
    const adding = connectorUserOwners("okta-owners", okta, ["u-alice", "u-cody", "u-frank"]);
    adding.props.verifiedUsers = [
      { id: "u-frank", email: "frank@example.com", status: "DISABLED" },
      { id: "u-cody", email: "cody@contractor.io", status: "ENABLED" },
    ];
    expect(violationsOf("c1-active-owners", [adding]).map((violation) => violation.message)).toEqual([
      "user u-frank (frank@example.com), owner of app app-payroll, connector conn-okta, role owner (okta-owners), is DISABLED in C1, " +
        "as this preview looked it up (a user the change adds). Remove u-frank from the role and name an active owner instead.",
    ]);
    expect(violationsOf("c1-allowed-owners", [adding], { fileConfig: { allowedEmailDomains: ["example.com"] } }).map((violation) => violation.message)).toEqual(
      [expect.stringMatching(/^user u-cody \(cody@contractor.io\), owner of .* has an email at contractor.io, which is not an allowed domain/)],
    );
    // What state recorded wins over a lookup: verifiedUsers only stands in for users not recorded yet.
    const recorded = connectorUserOwners("okta-owners", okta, ["u-frank"], { owners: [setOwner("u-frank", "ENABLED")] });
    recorded.props.verifiedUsers = [{ id: "u-frank", email: "frank@example.com", status: "DISABLED" }];
    expect(violationsOf("c1-active-owners", [recorded])).toEqual([]);
  });

  it("c1-active-owners judges a new single owner by its verifiedUsers, and passes one without them", () => {
    const looked = singleOwner("okta-frank", okta, "u-frank", { verifiedUsers: [{ id: "u-frank", status: "DELETED" }] });
    expect(violationsOf("c1-active-owners", [looked]).map((violation) => violation.message)).toEqual([
      expect.stringContaining("is DELETED in C1, as this preview looked it up"),
    ]);
    expect(violationsOf("c1-active-owners", [singleOwner("okta-frank", okta, "u-frank")])).toEqual([]);
  });

  it("c1-allowed-owners reads its allowlist and deny list from the pack config file", () => {
    const resources = [
      singleOwner("okta-cody", okta, "u-cody", { user: user("u-cody", "ENABLED", "cody@contractor.io") }),
      recordedOwner("okta-mallory", okta, "u-mallory"),
      recordedOwner("okta-alice", okta, "u-alice"),
    ];
    expect(violationsOf("c1-allowed-owners", resources)).toEqual([]);
    const messages = violationsOf("c1-allowed-owners", resources, { fileConfig: { allowedEmailDomains: ["example.com"], deniedUserIds: ["u-mallory"] } }).map(
      (violation) => violation.message,
    );
    expect(messages).toEqual([
      "user u-cody (cody@contractor.io), owner of app app-payroll, connector conn-okta, role owner (okta-cody), has an email at contractor.io, which is not an allowed domain " +
        "(c1-allowed-owners.allowedEmailDomains). Name an owner from an allowed domain instead, or add the domain to the allowlist in the policy pack config.",
      "user u-mallory (mallory@example.com), owner of app app-payroll, connector conn-okta, role owner (okta-mallory), is on the deny list (c1-allowed-owners.deniedUserIds). " +
        "Remove u-mallory from the role, or from the deny list in the policy pack config.",
    ]);
  });

  it("fail with the setting's name when the pack config file is invalid", () => {
    expect(() => violationsOf("c1-allowed-owners", [], { fileConfig: { deniedUserIds: "u-mallory" } })).toThrow(
      "policy config c1-allowed-owners.deniedUserIds",
    );
  });
});
