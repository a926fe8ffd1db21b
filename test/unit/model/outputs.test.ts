import { describe, expect, it } from "vitest";
import { toOwnerOutputs, toOwnerUser, toSetOwner } from "../../../src/provider/model/outputs";
import type { OwnerKey } from "../../../src/provider/model/owner-key";

/** A User as C1 returns it: the typed fields, provenance lists, the free-form profile and fields nobody reads. */
const c1User = {
  id: "u-alice",
  email: "alice@example.com",
  displayName: "Alice Example",
  username: "alice",
  status: "ENABLED",
  emails: ["alice@example.com", "a@example.com"],
  usernames: ["alice"],
  jobTitle: "Engineer",
  department: "Payroll",
  employmentStatus: "active",
  employmentType: "full_time",
  managerIds: ["u-mallory"],
  directoryIds: ["dir-okta"],
  createdAt: "2025-01-01T00:00:00Z",
  updatedAt: "2025-02-01T00:00:00Z",
  deletedAt: "2025-03-01T00:00:00Z",
  emailSources: [{ appId: "app-okta", appUserId: "au-1" }],
  departmentSources: [{ appId: "app-okta", appUserId: "au-1" }],
  jobTitleSources: [{ appId: "app-okta", appUserId: "au-1" }],
  managerIdsSources: [{ appId: "app-okta", appUserId: "au-1" }],
  profile: { costCenter: "42", nested: { any: "thing" } },
  employeeIds: ["e-1"],
  roleIds: ["role-1"],
  delegatedUserId: "u-bob",
  type: "USER_TYPE_HUMAN",
};

const key: OwnerKey = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };

describe("the owning user in outputs", () => {
  it("keeps the typed fields and leaves out provenance, the profile and unknown fields", () => {
    expect(toOwnerUser(c1User)).toStrictEqual({
      id: "u-alice",
      email: "alice@example.com",
      displayName: "Alice Example",
      username: "alice",
      status: "ENABLED",
      emails: ["alice@example.com", "a@example.com"],
      usernames: ["alice"],
      jobTitle: "Engineer",
      department: "Payroll",
      employmentStatus: "active",
      employmentType: "full_time",
      managerIds: ["u-mallory"],
      directoryIds: ["dir-okta"],
      createdAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-02-01T00:00:00Z",
      deletedAt: "2025-03-01T00:00:00Z",
    });
  });

  it("gives just the id when C1 sends nothing else", () => {
    expect(toOwnerUser({ id: "u-alice" })).toStrictEqual({ id: "u-alice" });
  });

  const dropped: Array<[label: string, field: string, value: unknown]> = [
    ["an empty email", "email", ""],
    ["a numeric email", "email", 42],
    ["a null display name", "displayName", null],
    ["a username object", "username", { value: "alice" }],
    ["a status array", "status", ["ENABLED"]],
    ["a boolean job title", "jobTitle", true],
    ["an empty department", "department", ""],
    ["a null deletedAt", "deletedAt", null],
    ["a numeric createdAt", "createdAt", 1735689600],
    ["an emails string", "emails", "alice@example.com"],
    ["a null usernames", "usernames", null],
    ["a managerIds object", "managerIds", { 0: "u-mallory" }],
  ];

  it.each(dropped)("drops %s", (_label, field, value) => {
    const user = toOwnerUser({ id: "u-alice", email: "alice@example.com", [field]: value });
    expect(user).toBeDefined();
    expect(user).not.toHaveProperty(field);
    expect(user!.id).toBe("u-alice");
  });

  it("keeps only the strings of a list", () => {
    const user = toOwnerUser({ id: "u-alice", emails: ["a@example.com", 7, null, { e: "x" }, "b@example.com"], directoryIds: [1, 2] });
    expect(user).toStrictEqual({ id: "u-alice", emails: ["a@example.com", "b@example.com"], directoryIds: [] });
  });

  it("records no terminal escapes or control characters from C1, which the CLI would print in a diff", () => {
    const user = toOwnerUser({
      id: "u-alice",
      displayName: "Alice \u001b[2J\u001b]0;owned\u0007Smith",
      email: "alice@example.com\u202e",
      emails: ["a@example.com\r\nFAKE LINE"],
    });
    expect(user).toStrictEqual({ id: "u-alice", displayName: "Alice Smith", email: "alice@example.com", emails: ["a@example.com  FAKE LINE"] });
  });

  const notUsers: Array<[label: string, user: unknown]> = [
    ["undefined", undefined],
    ["null", null],
    ["a string id", "u-alice"],
    ["a number", 42],
    ["a boolean", true],
    ["an array", [c1User]],
    ["an object without an id", { email: "alice@example.com" }],
    ["an empty id", { ...c1User, id: "" }],
    ["a numeric id", { ...c1User, id: 7 }],
  ];

  it.each(notUsers)("gives no user for %s", (_label, user) => {
    expect(toOwnerUser(user)).toBeUndefined();
  });
});

describe("owner outputs", () => {
  it("takes the key from the declaration, not from C1's answer", () => {
    const answer = {
      appId: "APP-PAYROLL",
      connectorId: "other",
      roleSlug: "admin",
      userId: "u-bob",
      createdAt: "2025-04-01T00:00:00Z",
      user: { ...c1User, id: "u-alice" },
    };
    const outputs = toOwnerOutputs(key, answer);
    expect(outputs).toMatchObject(key);
    expect(outputs.createdAt).toBe("2025-04-01T00:00:00Z");
    expect(outputs.user?.id).toBe("u-alice");
  });

  it("copies the key instead of sharing the declaration's object", () => {
    const outputs = toOwnerOutputs(key, {});
    expect(outputs).not.toBe(key);
    expect(outputs).toStrictEqual(key);
  });

  it("records the user through the same rules as toOwnerUser", () => {
    expect(toOwnerOutputs(key, { user: c1User }).user).toStrictEqual(toOwnerUser(c1User));
  });

  const partial: Array<[label: string, answer: Record<string, unknown>]> = [
    ["no createdAt and no user", {}],
    ["an empty createdAt", { createdAt: "" }],
    ["a numeric createdAt", { createdAt: 1735689600 }],
    ["a null user", { user: null }],
    ["a user without an id", { user: { email: "alice@example.com" } }],
    ["a user that is a string", { user: "u-alice" }],
  ];

  it.each(partial)("records just the key for %s", (_label, answer) => {
    expect(toOwnerOutputs(key, answer)).toStrictEqual({ ...key });
  });
});

describe("set owner outputs", () => {
  it("takes the user id it is given and C1's createdAt and user", () => {
    const entry = toSetOwner("u-alice", { userId: "u-bob", createdAt: "2025-04-01T00:00:00Z", user: c1User });
    expect(entry).toStrictEqual({ userId: "u-alice", createdAt: "2025-04-01T00:00:00Z", user: toOwnerUser(c1User) });
  });

  it("gives just the user id when C1 did not list the owner", () => {
    expect(toSetOwner("u-alice", undefined)).toStrictEqual({ userId: "u-alice" });
  });

  const partial: Array<[label: string, owner: Record<string, unknown>]> = [
    ["an empty answer", {}],
    ["an empty createdAt", { createdAt: "" }],
    ["a createdAt that is not a string", { createdAt: { seconds: 1 } }],
    ["a user that is not an object", { user: 42 }],
    ["a user with an empty id", { user: { id: "", email: "alice@example.com" } }],
  ];

  it.each(partial)("gives just the user id for %s", (_label, owner) => {
    expect(toSetOwner("u-alice", owner)).toStrictEqual({ userId: "u-alice" });
  });
});
