/**
 * One provider process can hold several copies of this package: the engine deserializes each
 * distinct serialized provider in state (an owner created by last month's version, one created by
 * today's) and they share one API client through process-state. So owner-api must recognise C1's
 * 404 and 409 answers whichever copy's client threw them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { emulatorServerEnv, startTestEmulator } from "../support/provider-fixture";

const owner = { appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" };

let emulator: C1Emulator;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  ({ emulator, clientId, clientSecret } = await startTestEmulator());
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  emulator.reset();
});

/** A client built by one copy of the package and the owner API of another, freshly loaded copy. */
async function clientOfOneCopyAndApiOfAnother() {
  vi.resetModules();
  const { C1Client } = await import("../../src/provider/c1/client");
  const { resolveSettings } = await import("../../src/provider/c1/settings");
  const client = C1Client.fromSettings(
    resolveSettings(undefined, { ...emulatorServerEnv(emulator), CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: clientSecret }),
  );
  vi.resetModules();
  const otherApi = await import("../../src/provider/c1/owners-api");
  const otherErrors = await import("../../src/provider/errors");
  const { C1ApiError } = await import("../../src/provider/errors");
  return { client, otherApi, otherC1ApiError: otherErrors.C1ApiError, sameCopy: C1ApiError };
}

describe("owner API calls through a client of another copy of the package", () => {
  it("really are two copies: the client's errors are not instances of the other copy's classes", async () => {
    const { client, otherC1ApiError } = await clientOfOneCopyAndApiOfAnother();
    const error = await client.call("GET", "/api/v2/apps/app-payroll/connectors/conn-okta/owners/users/owner/u-nobody").catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: "C1_API_ERROR", status: 404 });
    expect(error instanceof otherC1ApiError).toBe(false);
  });

  it("counts an owner already gone (404) as deleted", async () => {
    const { client, otherApi } = await clientOfOneCopyAndApiOfAnother();
    await expect(otherApi.deleteUserOwner(client, owner)).resolves.toBe(false);
  });

  it("adopts an owner that already exists (409) instead of failing", async () => {
    emulator.store.addOwner(owner.appId, owner.connectorId, owner.roleSlug, owner.userId);
    const { client, otherApi } = await clientOfOneCopyAndApiOfAnother();
    const result = await otherApi.createUserOwner(client, owner);
    expect(result.adopted).toBe(true);
    expect(result.owner).toMatchObject({ appId: owner.appId, roleSlug: owner.roleSlug });
  });

  it("reads a missing owner as undefined", async () => {
    const { client, otherApi } = await clientOfOneCopyAndApiOfAnother();
    await expect(otherApi.getUserOwner(client, owner)).resolves.toBeUndefined();
  });

  it("still lets other errors through", async () => {
    const { client, otherApi } = await clientOfOneCopyAndApiOfAnother();
    await expect(otherApi.createUserOwner(client, { ...owner, userId: "u-nobody" })).rejects.toThrow("404 Not Found: user not found");
    expect(otherApi.isNotFound(new Error("404 Not Found"))).toBe(false);
    expect(otherApi.isNotFound({ status: 404 })).toBe(false);
    expect(otherApi.isNotFound({ code: "C1_NETWORK_ERROR", status: 404 })).toBe(false);
    // What a deserialized provider throws: the fields of a C1ApiError, but not an Error instance.
    expect(otherApi.isNotFound({ code: "C1_API_ERROR", status: 404 })).toBe(true);
    expect(otherApi.isAlreadyExists({ code: "C1_API_ERROR", status: 400, apiCode: 6 })).toBe(true);
  });
});
