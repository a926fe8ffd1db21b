import { describe, expect, it } from "vitest";
import {
  checkOwnershipDocument,
  formatProblem,
  listDeclaredOwners,
  OwnershipDocumentError,
  ownerResourceName,
  roleResourceName,
  readOwnershipDocument,
  summarizeOwnership,
} from "../../../src/ownership/document";

const demo = {
  "app-payroll": {
    "conn-okta": { owner: ["u-alice", "u-bob"], admin: ["u-carol"] },
    "conn-workday": { owner: ["u-carol"] },
  },
  "app-github": { "conn-github": { owner: ["u-dave"], admin: { users: ["u-erin"], exclusive: false } } },
};

/** The problems of a document, as printed. */
function problemsOf(document: unknown): string[] {
  const check = checkOwnershipDocument(document);
  return check.ok ? [] : check.problems.map(formatProblem);
}

/** The declared owners as comparable keys, in declaration order. */
function declaredKeys(document: unknown): string[] {
  return listDeclaredOwners(readOwnershipDocument(document)).map(ownerResourceName);
}

describe("reading the ownership document", () => {
  it("declares one owner per user, sorted by key, with its path in the document", () => {
    expect(listDeclaredOwners(readOwnershipDocument(demo))).toEqual([
      { appId: "app-github", connectorId: "conn-github", roleSlug: "admin", userId: "u-erin", path: "owners.app-github.conn-github.admin.users[0]" },
      { appId: "app-github", connectorId: "conn-github", roleSlug: "owner", userId: "u-dave", path: "owners.app-github.conn-github.owner[0]" },
      { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "admin", userId: "u-carol", path: "owners.app-payroll.conn-okta.admin[0]" },
      { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice", path: "owners.app-payroll.conn-okta.owner[0]" },
      { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-bob", path: "owners.app-payroll.conn-okta.owner[1]" },
      { appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userId: "u-carol", path: "owners.app-payroll.conn-workday.owner[0]" },
    ]);
  });

  it("keeps each role's settings for the resources that will use them", () => {
    const roles = readOwnershipDocument(demo);
    expect(roles.find((role) => role.path === "owners.app-github.conn-github.admin")).toEqual({
      appId: "app-github",
      connectorId: "conn-github",
      roleSlug: "admin",
      userIds: ["u-erin"],
      exclusive: false,
      path: "owners.app-github.conn-github.admin",
      usersPath: "owners.app-github.conn-github.admin.users",
    });
  });

  it("declares the same owners under the same names whatever the order and form of the document", () => {
    const reordered = {
      "app-github": { "conn-github": { admin: ["u-erin"], owner: { users: ["u-dave"] } } },
      "app-payroll": {
        "conn-workday": { owner: { users: ["u-carol"], exclusive: false } },
        "conn-okta": { admin: ["u-carol"], owner: ["u-bob", "u-alice"] },
      },
    };
    expect(declaredKeys(reordered)).toEqual(declaredKeys(demo));
  });

  it("names each owner after its keys, percent-encoded so names stay unique and free of '::'", () => {
    expect(ownerResourceName({ appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" })).toBe(
      "app-payroll/conn-okta/owner/u-alice",
    );
    expect(ownerResourceName({ appId: "a::b", connectorId: "c d", roleSlug: "owner", userId: "50%" })).toBe("a%3A%3Ab/c%20d/owner/50%25");
  });

  it("accepts an empty document, empty connectors and empty roles", () => {
    expect(declaredKeys({})).toEqual([]);
    expect(declaredKeys({ "app-payroll": {} })).toEqual([]);
    expect(declaredKeys({ "app-payroll": { "conn-okta": { owner: [] } } })).toEqual([]);
  });

  it("marks a role exclusive when its long form says so", () => {
    const roles = readOwnershipDocument({ "app-payroll": { "conn-okta": { owner: { users: ["u-bob", "u-alice"], exclusive: true }, admin: ["u-carol"] } } });
    expect(roles.map((role) => [role.roleSlug, role.exclusive, role.userIds])).toEqual([
      ["admin", false, ["u-carol"]],
      ["owner", true, ["u-bob", "u-alice"]],
    ]);
  });

  it("names an exclusive role's set after its keys, apart from owner names", () => {
    expect(roleResourceName({ appId: "app 1", connectorId: "conn-okta", roleSlug: "owner" })).toBe("app%201/conn-okta/owner");
  });
});

describe("problems in the ownership document", () => {
  const okta = (roles: unknown) => ({ "app-payroll": { "conn-okta": roles } });
  const slash = "must not contain '/' (it is one segment of the C1 API path)";

  const bad: Array<[label: string, document: unknown, problems: string[]]> = [
    ["no document", undefined, ["owners: is required: a map of app id -> connector id -> role slug -> user ids"]],
    ["a list at the top", ["u-alice"], ["owners: must be a map of app id -> connectors, got a list"]],
    ["a string at the top", "u-alice", ["owners: must be a map of app id -> connectors, got a string"]],
    ["an app that is a list", { "app-payroll": ["conn-okta"] }, ["owners.app-payroll: must be a map of connector id -> roles, got a list"]],
    [
      "a connector that is a list",
      { "app-payroll": { "conn-okta": ["u-alice"] } },
      ["owners.app-payroll.conn-okta: must be a map of role slug -> user ids, got a list"],
    ],
    [
      "a role that is one string",
      okta({ owner: "u-alice" }),
      ["owners.app-payroll.conn-okta.owner: must be a list of user ids or a map with users (and exclusive), got a string"],
    ],
    [
      "a role that is null",
      okta({ owner: null }),
      ["owners.app-payroll.conn-okta.owner: must be a list of user ids or a map with users (and exclusive), got null"],
    ],
    ["a user id with a slash", okta({ owner: ["u-alice", "u-bob", "u/carol"] }), [`owners.app-payroll.conn-okta.owner[2]: userId ${slash}`]],
    ["a user id that is a number", okta({ owner: [42] }), ["owners.app-payroll.conn-okta.owner[0]: userId must be a string, got a number"]],
    ["an empty user id", okta({ owner: [""] }), ["owners.app-payroll.conn-okta.owner[0]: userId must not be empty"]],
    ["a user id with a trailing space", okta({ owner: ["u-alice "] }), ["owners.app-payroll.conn-okta.owner[0]: userId must not start or end with whitespace"]],
    [
      "a user listed twice",
      okta({ owner: ["u-alice", "u-bob", "u-alice"] }),
      ["owners.app-payroll.conn-okta.owner[2]: userId u-alice is already listed at owners.app-payroll.conn-okta.owner[0]"],
    ],
    [
      "a user listed twice in the long form",
      okta({ owner: { users: ["u-bob", "u-bob"] } }),
      ["owners.app-payroll.conn-okta.owner.users[1]: userId u-bob is already listed at owners.app-payroll.conn-okta.owner.users[0]"],
    ],
    ["an app id with a slash", { "app/payroll": { "conn-okta": { owner: ["u-alice"] } } }, [`owners["app/payroll"]: appId ${slash}`]],
    [
      "a connector id that is '..'",
      { "app-payroll": { "..": { owner: ["u-alice"] } } },
      [`owners.app-payroll[".."]: connectorId must not be '..' (a relative path segment)`],
    ],
    ["an empty role slug", okta({ "": ["u-alice"] }), [`owners.app-payroll.conn-okta[""]: roleSlug must not be empty`]],
    [
      "a role slug with a newline",
      okta({ "own\ner": ["u-alice"] }),
      [`owners.app-payroll.conn-okta["own\\ner"]: roleSlug must not contain control characters (newline, tab, ...)`],
    ],
    ["a long form without users", okta({ owner: { exclusive: false } }), ["owners.app-payroll.conn-okta.owner.users: is required: a list of user ids"]],
    [
      "a long form with one user as a string",
      okta({ owner: { users: "u-alice" } }),
      ["owners.app-payroll.conn-okta.owner.users: must be a list of user ids, got a string"],
    ],
    [
      "a misspelt role setting",
      okta({ owner: { user: ["u-alice"], users: [] } }),
      ["owners.app-payroll.conn-okta.owner.user: is not a role setting (expected users or exclusive)"],
    ],
    [
      "exclusive as a string",
      okta({ owner: { users: ["u-alice"], exclusive: "yes" } }),
      ["owners.app-payroll.conn-okta.owner.exclusive: must be true or false, got a string"],
    ],
  ];

  it.each(bad)("reports %s with its path", (_label, document, problems) => {
    expect(problemsOf(document)).toEqual(problems);
  });

  it("reports every problem of the document at once, in document order", () => {
    const document = {
      "app-payroll": {
        "conn-okta": { owner: ["u-alice", "u/bob", "u-alice"], admin: "u-carol" },
        "conn-workday": { owner: [" u-dave"] },
      },
      "app/github": { "conn-github": { owner: { users: ["u-erin"], exclusive: "yes" } } },
    };
    expect(problemsOf(document)).toEqual([
      `owners.app-payroll.conn-okta.owner[1]: userId ${slash}`,
      "owners.app-payroll.conn-okta.owner[2]: userId u-alice is already listed at owners.app-payroll.conn-okta.owner[0]",
      "owners.app-payroll.conn-okta.admin: must be a list of user ids or a map with users (and exclusive), got a string",
      "owners.app-payroll.conn-workday.owner[0]: userId must not start or end with whitespace",
      `owners["app/github"]: appId ${slash}`,
      'owners["app/github"].conn-github.owner.exclusive: must be true or false, got a string',
    ]);
  });

  it("throws one error that lists every problem and carries them for tools", () => {
    let error: unknown;
    try {
      readOwnershipDocument({ "app-payroll": { "conn-okta": { owner: ["u/alice", "u/bob"] } } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OwnershipDocumentError);
    const documentError = error as OwnershipDocumentError;
    expect(documentError.code).toBe("INVALID_OWNERSHIP_DOCUMENT");
    expect(documentError.problems.map((problem) => problem.path)).toEqual(["owners.app-payroll.conn-okta.owner[0]", "owners.app-payroll.conn-okta.owner[1]"]);
    expect(documentError.message).toBe(
      [
        "the ownership document has 2 problems:",
        `  owners.app-payroll.conn-okta.owner[0]: userId ${slash}`,
        `  owners.app-payroll.conn-okta.owner[1]: userId ${slash}`,
      ].join("\n"),
    );
  });

  it("uses the given root in paths", () => {
    const check = checkOwnershipDocument({ "app-payroll": [] }, "c1-ownership:owners");
    expect(check.ok ? [] : check.problems.map(formatProblem)).toEqual(["c1-ownership:owners.app-payroll: must be a map of connector id -> roles, got a list"]);
  });
});

describe("the ownership summary", () => {
  it("groups emails by app, connector and role, sorted, with the user id when C1 has no email", () => {
    const owner = (connectorId: string, roleSlug: string, userId: string, email?: string) => ({ appId: "app-payroll", connectorId, roleSlug, userId, email });
    expect(
      summarizeOwnership([
        owner("conn-okta", "owner", "u-bob", "bob@example.com"),
        owner("conn-workday", "owner", "u-gone"),
        owner("conn-okta", "owner", "u-alice", "alice@example.com"),
        owner("conn-okta", "admin", "u-carol", "carol@example.com"),
      ]),
    ).toEqual({
      "app-payroll": {
        "conn-okta": { admin: ["carol@example.com"], owner: ["alice@example.com", "bob@example.com"] },
        "conn-workday": { owner: ["u-gone"] },
      },
    });
  });
});
