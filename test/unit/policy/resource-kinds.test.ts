import { describe, expect, it } from "vitest";
import { type AnalyzedResource, ownerResourceKindOf } from "../../../src/provider/policy";
import { OWNER_SET_TYPE, OWNER_TYPE, otherResource } from "./analyzed-resources";

const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };

describe("recognising the two owner resources", () => {
  const cases: Array<[label: string, resource: AnalyzedResource, kind: string | undefined]> = [
    ["ConnectorUserOwner's type token", otherResource(OWNER_TYPE, "r", { ...role, userId: "u-alice" }), "ConnectorUserOwner"],
    ["ConnectorUserOwners' type token", otherResource(OWNER_SET_TYPE, "r", { ...role, userIds: ["u-alice"] }), "ConnectorUserOwners"],
    ["someone else's dynamic resource with the same keys", otherResource("pulumi-nodejs:dynamic:Resource", "r", { ...role, userId: "u-alice" }), undefined],
    [
      "a dynamic resource of another module with our name",
      otherResource("pulumi-nodejs:dynamic/other:ConnectorUserOwner", "r", { ...role, userId: "u-a" }),
      undefined,
    ],
    ["a token that only starts with ours", otherResource(`${OWNER_TYPE}Group`, "r", role), undefined],
    ["the stack", otherResource("pulumi:pulumi:Stack", "c1-ownership-dev"), undefined],
  ];

  it.each(cases)("%s", (_label, candidate, kind) => {
    expect(ownerResourceKindOf(candidate)).toBe(kind);
  });
});
