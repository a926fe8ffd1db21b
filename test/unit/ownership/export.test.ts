import { describe, expect, it } from "vitest";
import { buildOwnershipDocument } from "../../../src/ownership/export";

const owner = (appId: string, connectorId: string, roleSlug: string, userId: string) => ({ appId, connectorId, roleSlug, userId });

describe("buildOwnershipDocument", () => {
  it("groups owners by app, connector and role, with keys and users sorted and each user once", () => {
    const owners = [
      owner("app-z", "conn-b", "owner", "u-bob"),
      owner("app-a", "conn-a", "owner", "u-carol"),
      owner("app-z", "conn-b", "owner", "u-alice"),
      owner("app-a", "conn-a", "admin", "u-dave"),
      owner("app-z", "conn-b", "owner", "u-bob"),
    ];
    const document = buildOwnershipDocument(owners, { targets: [], exclusive: false });
    expect(document).toEqual({ "app-a": { "conn-a": { admin: ["u-dave"], owner: ["u-carol"] } }, "app-z": { "conn-b": { owner: ["u-alice", "u-bob"] } } });
    expect(Object.keys(document)).toEqual(["app-a", "app-z"]);
    expect(Object.keys(document["app-a"]["conn-a"])).toEqual(["admin", "owner"]);
  });

  it("sorts by code unit, not by the machine's locale", () => {
    const document = buildOwnershipDocument([owner("a", "c", "r", "b"), owner("a", "c", "r", "B"), owner("a", "c", "r", "ä")], {
      targets: [],
      exclusive: false,
    });
    expect(document.a.c.r).toEqual(["B", "b", "ä"]);
  });

  it("writes every role in the long form with exclusive: true when asked", () => {
    const document = buildOwnershipDocument([owner("a", "c", "owner", "u-1")], { targets: [], exclusive: true });
    expect(document).toEqual({ a: { c: { owner: { users: ["u-1"], exclusive: true } } } });
  });

  it("writes a role asked for by name as an empty list when C1 has no owner in it", () => {
    const targets = [{ appId: "a", connectorId: "c", roleSlugs: ["owner", "empty"] }];
    expect(buildOwnershipDocument([owner("a", "c", "owner", "u-1")], { targets, exclusive: false })).toEqual({ a: { c: { empty: [], owner: ["u-1"] } } });
    expect(buildOwnershipDocument([], { targets, exclusive: true }).a.c.empty).toEqual({ users: [], exclusive: true });
  });

  it("leaves out connectors without owners when no role was asked for", () => {
    expect(buildOwnershipDocument([], { targets: [{ appId: "a", connectorId: "c", roleSlugs: [] }], exclusive: false })).toEqual({});
  });
});
