import { describe, expect, it } from "vitest";
import {
  minimumOwnersFor,
  type OwnershipPolicyConfig,
  PolicyConfigError,
  policyConfigSchemas,
  resolvePolicyConfig,
  resolvePolicySettings,
} from "../../../src/provider/policy";

describe("resolving the policy config", () => {
  it("defaults to every policy mandatory, two owners per role and no allow rules", () => {
    expect(resolvePolicyConfig()).toEqual({
      "c1-minimum-owners": { enforcementLevel: "mandatory", minOwners: 2, minOwnersByRole: {} },
      "c1-active-owners": { enforcementLevel: "mandatory" },
      "c1-allowed-owners": { enforcementLevel: "mandatory", allowedEmailDomains: [], deniedUserIds: [] },
    });
  });

  it("sets each policy's enforcement level on its own, as a setting or as the whole entry", () => {
    const resolved = resolvePolicyConfig({ "c1-minimum-owners": { enforcementLevel: "advisory" }, "c1-allowed-owners": "disabled" });
    expect([resolved["c1-minimum-owners"], resolved["c1-active-owners"], resolved["c1-allowed-owners"]].map((settings) => settings.enforcementLevel)).toEqual([
      "advisory",
      "mandatory",
      "disabled",
    ]);
  });

  it("keeps the defaults a setting leaves out", () => {
    const resolved = resolvePolicyConfig({ "c1-minimum-owners": { minOwnersByRole: { admin: 1 } }, "c1-allowed-owners": { deniedUserIds: ["u-mallory"] } });
    expect(resolved["c1-minimum-owners"]).toEqual({ enforcementLevel: "mandatory", minOwners: 2, minOwnersByRole: { admin: 1 } });
    expect(resolved["c1-allowed-owners"]).toEqual({ enforcementLevel: "mandatory", allowedEmailDomains: [], deniedUserIds: ["u-mallory"] });
  });

  it("reads the pack config file's settings over the pack's own", () => {
    const packDefaults = resolvePolicyConfig({ "c1-minimum-owners": { minOwners: 3, minOwnersByRole: { admin: 1 } } })["c1-minimum-owners"];
    const fromFile = resolvePolicySettings("c1-minimum-owners", { minOwnersByRole: { owner: 4 } }, packDefaults);
    expect(fromFile).toEqual({ enforcementLevel: "mandatory", minOwners: 3, minOwnersByRole: { owner: 4 } });
  });

  const invalid: Array<[label: string, config: unknown, setting: string, fragment: string]> = [
    [
      "an unknown policy name",
      { "c1-minimum-owner": {} },
      "c1-minimum-owner",
      "is not one of the ownership policies (c1-minimum-owners, c1-active-owners, c1-allowed-owners)",
    ],
    [
      "an unknown setting",
      { "c1-minimum-owners": { minimumOwners: 2 } },
      "c1-minimum-owners.minimumOwners",
      "settings: enforcementLevel, minOwners, minOwnersByRole",
    ],
    ["a misspelt enforcement level", { "c1-active-owners": "warn" }, "c1-active-owners", "must be one of mandatory, advisory, disabled"],
    [
      "remediate, which stack policies cannot do",
      { "c1-active-owners": { enforcementLevel: "remediate" } },
      "c1-active-owners.enforcementLevel",
      "must be one of",
    ],
    ["a negative minimum", { "c1-minimum-owners": { minOwners: -1 } }, "c1-minimum-owners.minOwners", "a whole number of owners, 0 or more, got -1"],
    ["a fractional minimum", { "c1-minimum-owners": { minOwners: 1.5 } }, "c1-minimum-owners.minOwners", "got 1.5"],
    ["a minimum as a string", { "c1-minimum-owners": { minOwners: "2" } }, "c1-minimum-owners.minOwners", 'got "2"'],
    [
      "a role minimum that is not a number",
      { "c1-minimum-owners": { minOwnersByRole: { admin: "one" } } },
      "c1-minimum-owners.minOwnersByRole.admin",
      'got "one"',
    ],
    ["role minimums as a list", { "c1-minimum-owners": { minOwnersByRole: [1] } }, "c1-minimum-owners.minOwnersByRole", "must map role slugs to owner counts"],
    [
      "a domain allowlist as one string",
      { "c1-allowed-owners": { allowedEmailDomains: "example.com" } },
      "c1-allowed-owners.allowedEmailDomains",
      "a list of non-empty strings",
    ],
    [
      "an empty user id in the deny list",
      { "c1-allowed-owners": { deniedUserIds: ["u-a", ""] } },
      "c1-allowed-owners.deniedUserIds",
      "a list of non-empty strings",
    ],
    ["a policy entry that is a number", { "c1-allowed-owners": 3 }, "c1-allowed-owners", "must be an enforcement level or a map of settings"],
  ];

  it.each(invalid)("refuses %s, naming the setting", (_label, config, setting, fragment) => {
    let error: unknown;
    try {
      resolvePolicyConfig(config as OwnershipPolicyConfig);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as PolicyConfigError).setting).toBe(setting);
    expect((error as Error).message).toContain(`policy config ${setting} `);
    expect((error as Error).message).toContain(fragment);
  });
});

describe("the minimum owners of a role", () => {
  const settings = resolvePolicyConfig({ "c1-minimum-owners": { minOwners: 3, minOwnersByRole: { admin: 1, break_glass: 0 } } })["c1-minimum-owners"];

  it.each([
    ["a role slug with its own minimum", "admin", 1],
    ["a role slug whose minimum is 0", "break_glass", 0],
    ["any other role slug", "owner", 3],
    ["a slug that is an Object.prototype key", "constructor", 3],
  ])("%s", (_label, roleSlug, minimum) => {
    expect(minimumOwnersFor(settings, roleSlug)).toBe(minimum);
  });

  it("is 2 for every role without config", () => {
    expect(minimumOwnersFor(resolvePolicyConfig()["c1-minimum-owners"], "owner")).toBe(2);
  });
});

describe("the config schemas the engine checks the pack config file against", () => {
  it("carries the resolved values as defaults and never declares enforcementLevel", () => {
    const schemas = policyConfigSchemas(
      resolvePolicyConfig({ "c1-minimum-owners": { minOwners: 3 }, "c1-allowed-owners": { allowedEmailDomains: ["example.com"] } }),
    );
    expect(schemas["c1-minimum-owners"].properties.minOwners).toMatchObject({ type: "integer", minimum: 0, default: 3 });
    expect(schemas["c1-allowed-owners"].properties.allowedEmailDomains).toMatchObject({ type: "array", default: ["example.com"] });
    for (const schema of Object.values(schemas)) expect(Object.keys(schema.properties)).not.toContain("enforcementLevel");
  });
});
