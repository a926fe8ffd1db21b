import { describe, expect, it } from "vitest";
import { countOwnersByRole, findUnderstaffedRoles, readOwnerResources } from "../../../src/provider/policy";
import { inPreview, otherResource, connectorUserOwners, recordedOwner, singleOwner } from "./analyzed-resources";

const okta = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
const oktaAdmin = { ...okta, roleSlug: "admin" };
const workday = { ...okta, connectorId: "conn-workday" };
const github = { appId: "app-github", connectorId: "conn-okta", roleSlug: "owner" };

/** Owners per role as "app/connector/role: users", the way a person reads the stack. */
function countsOf(resources: Parameters<typeof readOwnerResources>[0]): Record<string, string[]> {
  return Object.fromEntries(
    countOwnersByRole(readOwnerResources(resources)).map((entry) => [`${entry.role.appId}/${entry.role.connectorId}/${entry.role.roleSlug}`, entry.userIds]),
  );
}

describe("counting owners per role across the stack", () => {
  it("adds up single owners and sets of the same app, connector and role", () => {
    const counts = countsOf([
      singleOwner("okta-bob", okta, "u-bob"),
      connectorUserOwners("okta-owners", okta, ["u-alice"]),
      recordedOwner("okta-carol", okta, "u-carol"),
    ]);
    expect(counts).toEqual({ "app-payroll/conn-okta/owner": ["u-alice", "u-bob", "u-carol"] });
  });

  it("counts a non-exclusive set's users like an exclusive set's", () => {
    const counts = countsOf([
      connectorUserOwners("a", okta, ["u-alice"], { exclusive: false }),
      connectorUserOwners("b", okta, ["u-bob"], { exclusive: true }),
    ]);
    expect(counts).toEqual({ "app-payroll/conn-okta/owner": ["u-alice", "u-bob"] });
  });

  it("counts a user declared by two resources once", () => {
    const counts = countsOf([singleOwner("okta-alice", okta, "u-alice"), connectorUserOwners("okta-owners", okta, ["u-alice", "u-alice"])]);
    expect(counts).toEqual({ "app-payroll/conn-okta/owner": ["u-alice"] });
  });

  it("keeps other roles, connectors and apps apart", () => {
    const counts = countsOf([
      singleOwner("o1", okta, "u-alice"),
      singleOwner("o2", oktaAdmin, "u-bob"),
      singleOwner("o3", workday, "u-carol"),
      singleOwner("o4", github, "u-dave"),
    ]);
    expect(counts).toEqual({
      "app-github/conn-okta/owner": ["u-dave"],
      "app-payroll/conn-okta/admin": ["u-bob"],
      "app-payroll/conn-okta/owner": ["u-alice"],
      "app-payroll/conn-workday/owner": ["u-carol"],
    });
  });

  it("counts an emptied set as a role with no owners", () => {
    expect(countsOf([connectorUserOwners("okta-owners", okta, [])])).toEqual({ "app-payroll/conn-okta/owner": [] });
  });

  it("ignores every other resource of the stack", () => {
    const lookalike = otherResource("pulumi-nodejs:dynamic:Resource", "x", { ...okta, userId: "u-mallory" });
    expect(countsOf([lookalike, otherResource("random:index/randomId:RandomId", "y", okta), singleOwner("o", okta, "u-alice")])).toEqual({
      "app-payroll/conn-okta/owner": ["u-alice"],
    });
  });

  it("marks a role incomplete when a set's users are not known until apply", () => {
    const [role] = countOwnersByRole(
      readOwnerResources([singleOwner("o", okta, "u-alice"), inPreview(connectorUserOwners("s", okta, []), { userIds: "array" })]),
    );
    expect(role).toMatchObject({ userIds: ["u-alice"], complete: false });
  });

  it("lists the resources that declare a role, by URN", () => {
    const [role] = countOwnersByRole(readOwnerResources([singleOwner("zeta", okta, "u-bob"), connectorUserOwners("alpha", okta, ["u-alice"])]));
    expect(role.resources.map((resource) => [resource.kind, resource.name])).toEqual([
      ["ConnectorUserOwner", "zeta"],
      ["ConnectorUserOwners", "alpha"],
    ]);
  });
});

describe("finding roles with too few owners", () => {
  const twoEach = () => 2;

  it("reports a role left with one owner, and not one with two across resources", () => {
    const roles = countOwnersByRole(
      readOwnerResources([
        singleOwner("okta-alice", okta, "u-alice"),
        singleOwner("wd-alice", workday, "u-alice"),
        connectorUserOwners("wd-owners", workday, ["u-bob"]),
      ]),
    );
    const understaffed = findUnderstaffedRoles(roles, twoEach);
    expect(understaffed.map((role) => [role.role.connectorId, role.userIds, role.minimum])).toEqual([["conn-okta", ["u-alice"], 2]]);
  });

  it("applies each role slug's own minimum", () => {
    const roles = countOwnersByRole(
      readOwnerResources([connectorUserOwners("owners", okta, ["u-alice", "u-bob"]), connectorUserOwners("admins", oktaAdmin, ["u-carol"])]),
    );
    const minimums: Record<string, number> = { owner: 3, admin: 1 };
    expect(findUnderstaffedRoles(roles, (slug) => minimums[slug]).map((role) => [role.role.roleSlug, role.minimum])).toEqual([["owner", 3]]);
  });

  it("does not report a role whose users are not all known until apply", () => {
    const roles = countOwnersByRole(readOwnerResources([inPreview(connectorUserOwners("s", okta, []), { userIds: "array" })]));
    expect(findUnderstaffedRoles(roles, twoEach)).toEqual([]);
  });
});
