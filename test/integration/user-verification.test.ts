// Check looks up the users a change adds (src/provider/dynamic/user-verification.ts), against the
// emulator's user directory over real HTTP: unknown and DELETED users fail the check with the
// resource's property and the user's place, the others come back as `verifiedUsers`, each user is
// looked up once per provider process, and a change that adds nobody looks nobody up.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { type C1Emulator, isUsersPath } from "../../src/emulator";
import { ConnectorUserOwnerProvider, ConnectorUserOwnersProvider } from "../../src/provider";
import { forgetRolesManagedBySets } from "../support/registries";
import { caught, clientCredentialsConfig, expectNoCredentialIn, stackConfig, startTestEmulator } from "../support/provider-fixture";
import { forgetUserLookups } from "../../src/provider/dynamic/user-verification";

const role = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner" };
let emulator: C1Emulator;
let config: Record<string, string>;

/** The users endpoints' requests since the emulator was reset, as "METHOD path". */
const userLookups = () => emulator.requests.filter((entry) => entry.kind === "api" && isUsersPath(entry.path)).map((entry) => `${entry.method} ${entry.path}`);

async function configured<P extends ConnectorUserOwnerProvider | ConnectorUserOwnersProvider>(provider: P, extra: Record<string, string> = {}): Promise<P> {
  await provider.configure({ config: stackConfig({ ...config, ...extra }) });
  return provider;
}
const setProvider = (extra?: Record<string, string>) => configured(new ConnectorUserOwnersProvider(), extra);
const ownerProvider = (extra?: Record<string, string>) => configured(new ConnectorUserOwnerProvider(), extra);

beforeAll(async () => {
  ({ emulator } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
  emulator.faults.clear();
  forgetRolesManagedBySets();
  forgetUserLookups();
  emulator.store.addUser({ id: "u-gone", email: "gone@example.com", status: "DELETED" });
  emulator.store.addUser({ id: "u-idle", email: "idle@example.com", status: "DISABLED" });
  const { clientId, clientSecret } = emulator.createClient("verify");
  config = clientCredentialsConfig(emulator, clientId, clientSecret);
});

describe("a set's check", () => {
  it("looks up only the users the change adds, and records what C1 says of them as verifiedUsers", async () => {
    const provider = await setProvider();
    const checked = await provider.check({ ...role, userIds: ["u-alice"] }, { ...role, userIds: ["u-bob", "u-alice", "u-idle"] });
    expect(checked.failures).toEqual([]);
    expect((checked.inputs as { verifiedUsers?: unknown }).verifiedUsers).toEqual([
      { id: "u-bob", email: "bob@example.com", status: "ENABLED" },
      { id: "u-idle", email: "idle@example.com", status: "DISABLED" },
    ]);
    expect(checked.inputs?.userIds).toEqual(["u-alice", "u-bob", "u-idle"]);
    expect(userLookups().sort()).toEqual(["GET /api/v1/users/u-bob", "GET /api/v1/users/u-idle"]);
  });

  it("fails on an unknown and on a DELETED user, naming each by its place in the document, and records nothing", async () => {
    const provider = await setProvider();
    const news = { ...role, userIds: ["u-alice", "u-ghost", "u-gone"], documentPath: "owners.app-payroll.conn-okta.owner" };
    const checked = await provider.check(undefined, news);
    expect(checked.failures).toEqual([
      {
        property: "userIds",
        reason: "owners.app-payroll.conn-okta.owner[1]: u-ghost is not a C1 user (GET /api/v1/users/u-ghost answered 404 Not Found); nothing was changed",
      },
      { property: "userIds", reason: "owners.app-payroll.conn-okta.owner[2]: u-gone is DELETED in C1 and cannot own a connector; nothing was changed" },
    ]);
    expect((checked.inputs as { verifiedUsers?: unknown }).verifiedUsers).toBeUndefined();
    expect(emulator.requests.filter((entry) => entry.kind === "api" && entry.method !== "GET")).toEqual([]);
  });

  it("names a user by its index in userIds when no document path is given", async () => {
    const checked = await (await setProvider()).check(undefined, { ...role, userIds: ["u-alice", "u-ghost"] });
    expect(checked.failures).toEqual([
      expect.objectContaining({ property: "userIds", reason: expect.stringMatching(/^userIds\[1\]: u-ghost is not a C1 user/) }),
    ]);
  });

  it("makes no lookup when the change adds nobody: the same users, or fewer", async () => {
    const provider = await setProvider();
    const olds = { ...role, userIds: ["u-alice", "u-bob"] };
    const same = await provider.check(olds, { ...role, userIds: ["u-bob", "u-alice"] });
    const fewer = await provider.check(olds, { ...role, userIds: ["u-alice"] });
    expect([same.failures, fewer.failures]).toEqual([[], []]);
    expect((same.inputs as { verifiedUsers?: unknown }).verifiedUsers).toBeUndefined();
    expect(userLookups()).toEqual([]);
  });

  it("looks each user up once per provider process, across resources, but tries a failed lookup again", async () => {
    const provider = await setProvider();
    await provider.check(undefined, { ...role, userIds: ["u-alice", "u-bob"] });
    await provider.check(undefined, { ...role, roleSlug: "admin", userIds: ["u-alice", "u-carol"] });
    expect(userLookups().sort()).toEqual(["GET /api/v1/users/u-alice", "GET /api/v1/users/u-bob", "GET /api/v1/users/u-carol"]);

    emulator.faults.add({ method: "GET", path: "/api/v1/users/u-dave", status: 503, times: Infinity });
    const error = await caught(() => provider.check(undefined, { ...role, userIds: ["u-dave"] }));
    expectNoCredentialIn(error, emulator);
    expect(error.message).toMatch(/GET \/api\/v1\/users\/u-dave .*503/);
    emulator.faults.clear();
    const retried = await provider.check(undefined, { ...role, userIds: ["u-dave"] });
    expect(retried.failures).toEqual([]);
  });

  it("fails with how to fix it when the credentials may not read users (403), naming the user's place", async () => {
    emulator.faults.add({ method: "GET", path: "/api/v1/users/u-bob", status: 403, body: { code: 7, message: "permission denied" }, times: Infinity });
    const news = { ...role, userIds: ["u-alice", "u-bob"], documentPath: "owners.app-payroll.conn-okta.owner" };
    const checked = await (await setProvider()).check(undefined, news);
    expect(checked.failures).toEqual([
      {
        property: "userIds",
        reason:
          "owners.app-payroll.conn-okta.owner[1]: u-bob could not be looked up (C1 API GET /api/v1/users/u-bob failed: 403 Forbidden: permission denied): " +
          "the credentials may not read C1's users. Give the principal read access to users, or set conductorone:verifyUsers to false; nothing was changed",
      },
    ]);
    expect(JSON.stringify(checked)).not.toContain(config["conductorone:clientSecret"]);
    // Refused, not retried.
    expect(userLookups().filter((lookup) => lookup.endsWith("/u-bob"))).toEqual(["GET /api/v1/users/u-bob"]);
  });

  it("retries a lookup C1 answers 429 or 5xx, like every other call", async () => {
    emulator.faults.add({ method: "GET", path: "/api/v1/users/u-bob", status: 429, headers: { "retry-after-ms": "10" }, times: 1 });
    emulator.faults.add({ method: "GET", path: "/api/v1/users/u-bob", status: 502, times: 1 });
    const checked = await (await setProvider()).check(undefined, { ...role, userIds: ["u-bob"] });
    expect(checked.failures).toEqual([]);
    expect(userLookups()).toEqual(["GET /api/v1/users/u-bob", "GET /api/v1/users/u-bob", "GET /api/v1/users/u-bob"]);
  });

  it("looks nobody up with verifyUsers false, in config or in the environment", async () => {
    const offInConfig = await setProvider({ "conductorone:verifyUsers": "false" });
    expect((await offInConfig.check(undefined, { ...role, userIds: ["u-ghost"] })).failures).toEqual([]);
    vi.stubEnv("CONDUCTORONE_VERIFY_USERS", "false");
    try {
      const offInEnv = await setProvider();
      expect((await offInEnv.check(undefined, { ...role, userIds: ["u-ghost"] })).failures).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(userLookups()).toEqual([]);
  });

  it("refuses a verifyUsers that is not true or false, naming the setting", async () => {
    const provider = await setProvider({ "conductorone:verifyUsers": "yes" });
    const error = await caught(() => provider.check(undefined, { ...role, userIds: ["u-bob"] }));
    expect(error.message).toContain('conductorone:verifyUsers (CONDUCTORONE_VERIFY_USERS) must be true or false, got "yes"');
  });

  it("without credentials, warns once that users were not looked up, and passes", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    try {
      const provider = new ConnectorUserOwnersProvider();
      await provider.configure({ config: stackConfig({ "conductorone:serverUrl": emulator.url }) });
      const first = await provider.check(undefined, { ...role, userIds: ["u-ghost"] });
      const second = await provider.check(undefined, { ...role, roleSlug: "admin", userIds: ["u-bob"] });
      expect([first.failures, second.failures]).toEqual([[], []]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/were not looked up in C1 .*set the credentials, or conductorone:verifyUsers to false/);
      expect(userLookups()).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("a single owner's check", () => {
  it("looks up a new owner's user, and a user a key change brings in, but not an unchanged owner", async () => {
    const provider = await ownerProvider();
    const owner = { ...role, userId: "u-bob" };
    expect((await provider.check(undefined, owner)).inputs).toMatchObject({ verifiedUsers: [{ id: "u-bob", email: "bob@example.com", status: "ENABLED" }] });
    expect((await provider.check(owner, owner)).inputs).not.toHaveProperty("verifiedUsers");
    const replaced = await provider.check(owner, { ...owner, userId: "u-ghost" });
    expect(replaced.failures).toEqual([
      { property: "userId", reason: "userId: u-ghost is not a C1 user (GET /api/v1/users/u-ghost answered 404 Not Found); nothing was changed" },
    ]);
    expect(userLookups()).toEqual(["GET /api/v1/users/u-bob", "GET /api/v1/users/u-ghost"]);
  });
});
