import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { C1ApiError, C1AuthError, ConnectorUserOwnersProvider } from "../../src/provider";
import { forgetRolesManagedBySets } from "../support/registries";
import { caught, clientCredentialsConfig, expectNoCredentialIn, stackConfig, startTestEmulator } from "../support/provider-fixture";

const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
let emulator: C1Emulator;
let provider: ConnectorUserOwnersProvider;

const owners = () =>
  emulator.store
    .listOwners(role)
    .map((owner) => owner.userId)
    .sort();
/** What `fn` threw, checked at once for the emulator's credentials. */
async function expectError(fn: () => Promise<unknown>): Promise<Error> {
  const error = await caught(fn);
  expectNoCredentialIn(error, emulator);
  return error;
}
const apiCalls = () =>
  emulator.requests.filter((entry) => entry.kind === "api").map((entry) => `${entry.method} ${entry.path.split("?")[0].split("/owners/users")[1] || "/"}`);

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  emulator.reset();
  forgetRolesManagedBySets();
  emulator.settings.maxPageSize = 100;
  const { clientId, clientSecret } = emulator.createClient("sets");
  provider = new ConnectorUserOwnersProvider();
  await provider.configure({ config: stackConfig(clientCredentialsConfig(emulator, clientId, clientSecret)) });
});

describe("ConnectorUserOwnersProvider", () => {
  it("check stores userIds as a set and names each bad member by index", async () => {
    const ok = await provider.check({} as never, { ...role, userIds: ["u-bob", "u-alice", "u-bob"] });
    expect(ok.inputs?.userIds).toEqual(["u-alice", "u-bob"]);
    const bad = await provider.check({} as never, { ...role, userIds: ["u-alice", "", "a/b"] });
    expect(bad.failures).toEqual([
      { property: "userIds", reason: "userIds[1] must not be empty" },
      { property: "userIds", reason: "userIds[2] must not contain '/' (it is one segment of the C1 API path)" },
    ]);
    const notList = await provider.check({} as never, { ...role, userIds: "u-alice" as never });
    expect(notList.failures).toEqual([{ property: "userIds", reason: "userIds must be a list of user ids" }]);
  });

  it("create makes exactly the listed users owners, with their details", async () => {
    const result = await provider.create({ ...role, userIds: ["u-alice", "u-bob"] });
    expect(result.id).toBe("app-payroll/conn-okta/owner");
    expect(owners()).toEqual(["u-alice", "u-bob"]);
    expect(result.outs).toMatchObject({ userIds: ["u-alice", "u-bob"], addedCount: 2, removedCount: 0 });
    expect(result.outs?.owners.map((owner) => owner.user?.email)).toEqual(["alice@example.com", "bob@example.com"]);
  });

  it("create removes an owner the program does not list", async () => {
    emulator.store.addOwner(role.appId, role.connectorId, role.roleSlug, "u-erin");
    const result = await provider.create({ ...role, userIds: ["u-alice"] });
    expect(owners()).toEqual(["u-alice"]);
    expect(result.outs).toMatchObject({ addedCount: 1, removedCount: 1 });
  });

  it("create takes back what it added when a later addition fails", async () => {
    const error = await expectError(() => provider.create({ ...role, userIds: ["u-alice", "u-bob", "u-nobody"] }));
    expect(error).toBeInstanceOf(C1ApiError);
    expect(error.message).toContain("user not found");
    expect(owners()).toEqual([]);
  });

  it("fails with a short authentication error when the secret is wrong, before touching any owner", async () => {
    const { clientId } = emulator.createClient("sets-wrong");
    const other = emulator.createClient("sets-other");
    const wrong = new ConnectorUserOwnersProvider();
    await wrong.configure({ config: stackConfig(clientCredentialsConfig(emulator, clientId, other.clientSecret)) });
    const error = await expectError(() => wrong.create({ ...role, userIds: ["u-alice"] }));
    expect(error).toBeInstanceOf(C1AuthError);
    expect(error.message).toBe(
      `could not get a C1 access token (client credentials for client ${clientId}): POST /auth/v1/token failed: 401 Unauthorized: invalid_client: client assertion rejected`,
    );
    expect(apiCalls()).toEqual([]);
  });

  it("read lists every page, and reports owners added and removed outside the program", async () => {
    emulator.settings.maxPageSize = 2;
    for (const userId of ["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"]) emulator.store.addOwner(role.appId, role.connectorId, role.roleSlug, userId);
    const result = await provider.read("app-payroll/conn-okta/owner");
    expect(result.props?.userIds).toEqual(["u-alice", "u-bob", "u-carol", "u-dave", "u-erin"]);
    expect((result as { inputs?: { userIds: string[] } }).inputs?.userIds).toEqual(result.props?.userIds);
    expect(apiCalls()).toEqual(["GET /", "GET /", "GET /"]);
  });

  it("read ignores owners of other roles and connectors", async () => {
    emulator.store.addOwner(role.appId, role.connectorId, "admin", "u-carol");
    emulator.store.addOwner(role.appId, "conn-workday", role.roleSlug, "u-dave");
    emulator.store.addOwner(role.appId, role.connectorId, role.roleSlug, "u-alice");
    const result = await provider.read("app-payroll/conn-okta/owner");
    expect(result.props?.userIds).toEqual(["u-alice"]);
  });

  it("diff ignores order and duplicates, updates in place for members, replaces for another role", async () => {
    const olds = { ...role, userIds: ["u-alice", "u-bob"], owners: [], addedCount: 2, removedCount: 0 };
    expect(await provider.diff("id", olds, { ...role, userIds: ["u-bob", "u-alice", "u-alice"] })).toEqual({ changes: false });
    expect(await provider.diff("id", olds, { ...role, userIds: ["u-alice"] })).toEqual({ changes: true });
    expect(await provider.diff("id", olds, { ...role, roleSlug: "admin", userIds: ["u-alice", "u-bob"] })).toEqual({
      changes: true,
      replaces: ["roleSlug"],
      deleteBeforeReplace: false,
    });
  });

  it("update adds and removes single owners with POST and DELETE, never PUT", async () => {
    const created = await provider.create({ ...role, userIds: ["u-alice", "u-bob"] });
    const updated = await provider.update(created.id, created.outs!, { ...role, userIds: ["u-bob", "u-carol"] });
    expect(owners()).toEqual(["u-bob", "u-carol"]);
    expect(updated.outs).toMatchObject({ userIds: ["u-bob", "u-carol"], addedCount: 1, removedCount: 1 });
    const methods = emulator.requests.filter((entry) => entry.kind === "api").map((entry) => entry.method);
    expect(methods).not.toContain("PUT");
    expect(methods.filter((method) => method === "DELETE")).toHaveLength(1);
  });

  it("delete removes the set it manages and nothing else", async () => {
    emulator.store.addOwner(role.appId, role.connectorId, "admin", "u-carol");
    const created = await provider.create({ ...role, userIds: ["u-alice", "u-bob"] });
    await provider.delete(created.id, created.outs!);
    expect(emulator.store.listOwners()).toEqual([{ ...role, roleSlug: "admin", userId: "u-carol" }]);
  });

  it("read reports the set gone when the connector no longer exists", async () => {
    const result = await provider.read("app-payroll/conn-missing/owner");
    expect(result.id).toBeUndefined();
  });
});

describe("moving a role from single owners to a set", () => {
  it("a single owner's delete leaves C1 alone once a set of the same deployment manages the role", async () => {
    const { ConnectorUserOwnerProvider } = await import("../../src/provider");
    const single = new ConnectorUserOwnerProvider();
    const { clientId, clientSecret } = emulator.createClient("move");
    await single.configure({ config: stackConfig(clientCredentialsConfig(emulator, clientId, clientSecret)) });
    const alice = { ...role, userId: "u-alice" };
    const created = await single.create(alice);
    // The engine checks the new set before it deletes the removed single owner.
    await provider.check({} as never, { appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userIds: ["u-alice"] });
    await single.delete(created.id, created.outs!);
    expect(owners()).toEqual([]); // another role's set does not protect this one
    await single.create(alice);
    await provider.check({} as never, { ...role, userIds: ["u-alice"] });
    await single.delete(created.id, created.outs!);
    expect(owners()).toEqual(["u-alice"]);
  });
});

describe("a non-exclusive ConnectorUserOwners (exclusive: false)", () => {
  const managed = { ...role, exclusive: false };
  const add = (...userIds: string[]) => userIds.forEach((userId) => emulator.store.addOwner(role.appId, role.connectorId, role.roleSlug, userId));
  const postsAndDeletes = () =>
    emulator.requests.filter((entry) => entry.kind === "api" && entry.method !== "GET").map((entry) => `${entry.method} ${entry.path.split("/").pop()}`);

  it("check refuses an exclusive that is not a boolean", async () => {
    const bad = await provider.check({} as never, { ...role, userIds: ["u-alice"], exclusive: "no" as never });
    expect(bad.failures).toEqual([{ property: "exclusive", reason: "exclusive must be true or false, got a string" }]);
  });

  it("create adds only the missing listed users and leaves other owners alone, POSTing nobody C1 already has", async () => {
    add("u-alice", "u-erin");
    const result = await provider.create({ ...managed, userIds: ["u-alice", "u-bob"] });
    expect(owners()).toEqual(["u-alice", "u-bob", "u-erin"]);
    expect(postsAndDeletes()).toEqual(["POST u-bob"]);
    expect(result.outs).toMatchObject({ userIds: ["u-alice", "u-bob"], exclusive: false, addedCount: 1, removedCount: 0 });
  });

  it("read reports the managed users still in C1, never the others, in one request per page", async () => {
    emulator.settings.maxPageSize = 2;
    add("u-alice", "u-carol", "u-dave", "u-erin");
    const recorded = { ...managed, userIds: ["u-alice", "u-bob"], owners: [], addedCount: 0, removedCount: 0 };
    const result = await provider.read("app-payroll/conn-okta/owner", recorded);
    expect(result.props).toMatchObject({ userIds: ["u-alice"], exclusive: false });
    expect((result as { inputs?: unknown }).inputs).toEqual({ ...role, userIds: ["u-alice"], exclusive: false });
    expect(apiCalls()).toEqual(["GET /", "GET /"]);
  });

  it("update removes only the users it managed and no longer lists", async () => {
    add("u-erin");
    const created = await provider.create({ ...managed, userIds: ["u-alice", "u-bob"] });
    const updated = await provider.update(created.id, created.outs!, { ...managed, userIds: ["u-bob", "u-carol"] });
    expect(owners()).toEqual(["u-bob", "u-carol", "u-erin"]);
    expect(updated.outs).toMatchObject({ userIds: ["u-bob", "u-carol"], addedCount: 1, removedCount: 1 });
  });

  it("becoming exclusive removes the owners nobody listed; diff sees the switch", async () => {
    add("u-erin");
    const created = await provider.create({ ...managed, userIds: ["u-alice"] });
    expect(await provider.diff(created.id, created.outs!, { ...managed, userIds: ["u-alice"] })).toEqual({ changes: false });
    expect(await provider.diff(created.id, created.outs!, { ...role, userIds: ["u-alice"] })).toEqual({ changes: true });
    await provider.update(created.id, created.outs!, { ...role, exclusive: true, userIds: ["u-alice"] });
    expect(owners()).toEqual(["u-alice"]);
  });

  it("state written before exclusive existed reads and diffs as exclusive", async () => {
    add("u-alice", "u-erin");
    const olds = { ...role, userIds: ["u-alice"], owners: [], addedCount: 1, removedCount: 0 };
    expect(await provider.diff("app-payroll/conn-okta/owner", olds, { ...role, userIds: ["u-alice"] })).toEqual({ changes: false });
    const result = await provider.read("app-payroll/conn-okta/owner", olds);
    expect(result.props).toMatchObject({ userIds: ["u-alice", "u-erin"], exclusive: true });
  });

  it("delete removes the managed users only", async () => {
    add("u-erin");
    const created = await provider.create({ ...managed, userIds: ["u-alice"] });
    await provider.delete(created.id, created.outs!);
    expect(owners()).toEqual(["u-erin"]);
  });

  it("protects from a single owner's delete only the users it lists", async () => {
    const { ConnectorUserOwnerProvider } = await import("../../src/provider");
    const single = new ConnectorUserOwnerProvider();
    const { clientId, clientSecret } = emulator.createClient("move-non-exclusive");
    await single.configure({ config: stackConfig(clientCredentialsConfig(emulator, clientId, clientSecret)) });
    const alice = await single.create({ ...role, userId: "u-alice" });
    const bob = await single.create({ ...role, userId: "u-bob" });
    // The document moved the role to a non-exclusive set listing only alice: bob was removed from it.
    await provider.check({} as never, { ...managed, userIds: ["u-alice"] });
    await single.delete(alice.id, alice.outs!);
    await single.delete(bob.id, bob.outs!);
    expect(owners()).toEqual(["u-alice"]);
  });
});
