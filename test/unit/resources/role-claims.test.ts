import { beforeEach, describe, expect, it } from "vitest";
import { claimOwner, claimRole, claimRoleInputs } from "../../../provider/resources/role-claims";
import { resetRoleClaims } from "../../support/registries";

const role = { appId: "app-1", connectorId: "conn-1", roleSlug: "owner" };

describe("role claims", () => {
  beforeEach(() => resetRoleClaims());

  it("lets several single owners share a role", () => {
    claimRole(role, "single owners", "a");
    expect(() => claimRole(role, "single owners", "b")).not.toThrow();
  });

  it("refuses an owner set on a role that single owners manage", () => {
    claimRole(role, "single owners", "alice");
    expect(() => claimRole(role, "owner set", "payroll-owners")).toThrow(
      'payroll-owners: role "owner" of connector "conn-1" (app "app-1") is already managed by ConnectorUserOwner resources in this program',
    );
  });

  it("refuses a single owner on a role that an owner set manages", () => {
    claimRole(role, "owner set", "payroll-owners");
    expect(() => claimRole(role, "single owners", "alice")).toThrow("is already managed by a ConnectorUserOwners resource");
  });

  it("refuses two owner sets on one role", () => {
    claimRole(role, "owner set", "a");
    expect(() => claimRole(role, "owner set", "b")).toThrow("already managed by a ConnectorUserOwners resource");
  });

  it("keeps roles of other connectors apart", () => {
    claimRole(role, "owner set", "a");
    expect(() => claimRole({ ...role, connectorId: "conn-2" }, "single owners", "b")).not.toThrow();
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
    claimRoleInputs(alice, "single owners", "alice-1");
    expect(() => claimRoleInputs(alice, "single owners", "alice-2")).toThrow('already declared by ConnectorUserOwner "alice-1"');
  });
});
