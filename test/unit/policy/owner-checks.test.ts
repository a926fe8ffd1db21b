import { describe, expect, it } from "vitest";
import { findDisallowedOwners, findInactiveOwners, listDeclaredOwners, readOwnerResources, type AnalyzedResource } from "../../../src/provider/policy";
import { inPreview, connectorUserOwners, recordedOwner, setOwner, singleOwner, user } from "./analyzed-resources";

const okta = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };

function ownersOf(resources: AnalyzedResource[]) {
  return listDeclaredOwners(readOwnerResources(resources));
}

describe("finding owners whose C1 user is not active", () => {
  const cases: Array<[label: string, resource: AnalyzedResource, inactive: Array<[userId: string, status: string]>]> = [
    ["an ENABLED single owner", recordedOwner("o", okta, "u-alice"), []],
    ["a DISABLED single owner", recordedOwner("o", okta, "u-bob", "DISABLED"), [["u-bob", "DISABLED"]]],
    ["a DELETED single owner", recordedOwner("o", okta, "u-bob", "DELETED"), [["u-bob", "DELETED"]]],
    ["an UNKNOWN single owner", recordedOwner("o", okta, "u-bob", "UNKNOWN"), [["u-bob", "UNKNOWN"]]],
    ["a recorded user without a status", singleOwner("o", okta, "u-bob", { createdAt: "2025-01-01T00:00:00Z", user: { id: "u-bob" } }), [["u-bob", "UNKNOWN"]]],
    [
      "an owner C1 lists without a user (gone from the directory)",
      singleOwner("o", okta, "u-bob", { createdAt: "2025-01-01T00:00:00Z" }),
      [["u-bob", "missing"]],
    ],
    ["a brand-new owner in a preview: inputs only", singleOwner("o", okta, "u-new"), []],
    ["a brand-new owner in a preview: outputs unknown", inPreview(singleOwner("o", okta, "u-new"), { user: "object", createdAt: "string" }), []],
    [
      "a set with one DISABLED member",
      connectorUserOwners("s", okta, ["u-alice", "u-bob"], { owners: [setOwner("u-alice"), setOwner("u-bob", "DISABLED")] }),
      [["u-bob", "DISABLED"]],
    ],
    [
      "a non-exclusive set with a DELETED member",
      connectorUserOwners("s", okta, ["u-bob"], { exclusive: false, owners: [setOwner("u-bob", "DELETED")] }),
      [["u-bob", "DELETED"]],
    ],
    [
      "a set member C1 lists without a user",
      connectorUserOwners("s", okta, ["u-bob"], { owners: [{ userId: "u-bob", createdAt: "2025-01-01T00:00:00Z" }] }),
      [["u-bob", "missing"]],
    ],
    ["a brand-new set in a preview", connectorUserOwners("s", okta, ["u-alice", "u-bob"]), []],
    ["a member a preview adds to a recorded set", connectorUserOwners("s", okta, ["u-alice", "u-new"], { owners: [setOwner("u-alice")] }), []],
    [
      "a DISABLED member the change removes from the set (still in the old outputs)",
      connectorUserOwners("s", okta, ["u-alice"], { owners: [setOwner("u-alice"), setOwner("u-bob", "DISABLED")] }),
      [],
    ],
    ["a set whose owners are unknown in a preview", inPreview(connectorUserOwners("s", okta, ["u-alice"]), { owners: "array" }), []],
  ];

  it.each(cases)("%s", (_label, resource, inactive) => {
    expect(findInactiveOwners(ownersOf([resource])).map((owner) => [owner.userId, owner.status])).toEqual(inactive);
  });

  it("names the resource, the role and the recorded email of an inactive owner", () => {
    const [owner] = findInactiveOwners(ownersOf([recordedOwner("okta-bob", okta, "u-bob", "DISABLED")]));
    expect(owner).toMatchObject({ ...okta, userId: "u-bob", resourceName: "okta-bob", status: "DISABLED", email: "bob@example.com" });
  });
});

describe("finding owners the allow rules refuse", () => {
  const rules = { allowedEmailDomains: ["example.com"], deniedUserIds: ["u-mallory"] };

  const cases: Array<[label: string, resource: AnalyzedResource, refused: Array<[userId: string, reason: string]>]> = [
    ["an owner at an allowed domain", recordedOwner("o", okta, "u-alice"), []],
    ["an allowed domain in another case", singleOwner("o", okta, "u-alice", { user: user("u-alice", "ENABLED", "Alice@EXAMPLE.com") }), []],
    ["a contractor's domain", singleOwner("o", okta, "u-cody", { user: user("u-cody", "ENABLED", "cody@contractor.io") }), [["u-cody", "email-domain"]]],
    ["a subdomain that is not listed", singleOwner("o", okta, "u-eve", { user: user("u-eve", "ENABLED", "eve@eu.example.com") }), [["u-eve", "email-domain"]]],
    ["a lookalike domain", singleOwner("o", okta, "u-eve", { user: user("u-eve", "ENABLED", "eve@example.com.evil.io") }), [["u-eve", "email-domain"]]],
    ["a recorded user without an email", singleOwner("o", okta, "u-svc", { user: { id: "u-svc", status: "ENABLED" } }), [["u-svc", "no-email"]]],
    ["a denied user id, even with an allowed email", recordedOwner("o", okta, "u-mallory"), [["u-mallory", "denied-user"]]],
    ["a denied user id a preview is about to add", singleOwner("o", okta, "u-mallory"), [["u-mallory", "denied-user"]]],
    ["a brand-new owner in a preview: its email is not known yet", singleOwner("o", okta, "u-new"), []],
    [
      "set members: one at a contractor's domain, one denied",
      connectorUserOwners("s", okta, ["u-alice", "u-cody", "u-mallory"], {
        exclusive: false,
        owners: [setOwner("u-alice"), setOwner("u-cody", "ENABLED", "cody@contractor.io")],
      }),
      [
        ["u-cody", "email-domain"],
        ["u-mallory", "denied-user"],
      ],
    ],
  ];

  it.each(cases)("%s", (_label, resource, refused) => {
    expect(findDisallowedOwners(ownersOf([resource]), rules).map((owner) => [owner.userId, owner.reason])).toEqual(refused);
  });

  it("allows any domain when the allowlist is empty", () => {
    const contractor = singleOwner("o", okta, "u-cody", { user: user("u-cody", "ENABLED", "cody@contractor.io") });
    expect(findDisallowedOwners(ownersOf([contractor]), { allowedEmailDomains: [], deniedUserIds: [] })).toEqual([]);
  });

  it("falls back to the user's first listed email when the primary is absent", () => {
    const resource = singleOwner("o", okta, "u-cody", { user: { id: "u-cody", status: "ENABLED", emails: ["cody@contractor.io"] } });
    expect(findDisallowedOwners(ownersOf([resource]), rules)).toMatchObject([{ reason: "email-domain", email: "cody@contractor.io", domain: "contractor.io" }]);
  });
});
