import { beforeEach, describe, expect, it } from "vitest";
import { claimOwner, claimRole, claimRoleInputs } from "../../../src/provider/resources/role-claims";
import { resetRoleClaims } from "../../support/registries";

const role = { appId: "app-1", connectorId: "conn-1", roleSlug: "owner" };

describe("role claims", () => {
  beforeEach(() => resetRoleClaims());

  it("lets several single owners share a role", () => {
    claimRole(role, "ConnectorUserOwner", "a");
    expect(() => claimRole(role, "ConnectorUserOwner", "b")).not.toThrow();
  });

  it("refuses a ConnectorUserOwners on a role that single owners manage", () => {
    claimRole(role, "ConnectorUserOwner", "alice");
    expect(() => claimRole(role, "ConnectorUserOwners", "payroll-owners")).toThrow(
      'payroll-owners: role "owner" of connector "conn-1" (app "app-1") is already managed by ConnectorUserOwner resources in this program',
    );
  });

  it("refuses a single owner on a role that a ConnectorUserOwners manages", () => {
    claimRole(role, "ConnectorUserOwners", "payroll-owners");
    expect(() => claimRole(role, "ConnectorUserOwner", "alice")).toThrow("is already managed by a ConnectorUserOwners resource");
  });

  it("refuses two ConnectorUserOwners on one role", () => {
    claimRole(role, "ConnectorUserOwners", "a");
    expect(() => claimRole(role, "ConnectorUserOwners", "b")).toThrow("already managed by a ConnectorUserOwners resource");
  });

  it("keeps roles of other connectors apart", () => {
    claimRole(role, "ConnectorUserOwners", "a");
    expect(() => claimRole({ ...role, connectorId: "conn-2" }, "ConnectorUserOwner", "b")).not.toThrow();
  });
});

describe("owner claims", () => {
  beforeEach(() => resetRoleClaims());
  const alice = { ...role, userId: "u-alice" };

  it("refuses the same owner declared by two resources", () => {
    claimOwner(alice, "alice-1");
    expect(() => claimOwner(alice, "alice-2")).toThrow(
      'alice-2: user "u-alice" as role "owner" of connector "conn-1" (app "app-1") is already declared by ConnectorUserOwner "alice-1" in this program; declare each owner once',
    );
  });

  it("lets one resource claim its owner again and others declare other users", () => {
    claimOwner(alice, "alice-1");
    expect(() => claimOwner(alice, "alice-1")).not.toThrow();
    expect(() => claimOwner({ ...alice, userId: "u-bob" }, "bob")).not.toThrow();
  });

  it("claims the owner along with the role from plain inputs", () => {
    claimRoleInputs(alice, "ConnectorUserOwner", "alice-1");
    expect(() => claimRoleInputs(alice, "ConnectorUserOwner", "alice-2")).toThrow('already declared by ConnectorUserOwner "alice-1"');
  });
});
