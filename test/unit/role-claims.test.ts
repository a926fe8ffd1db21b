import { beforeEach, describe, expect, it } from "vitest";
import { claimRole, resetRoleClaims } from "../../provider/role-claims";

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
