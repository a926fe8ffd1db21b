import { describe, expect, it } from "vitest";
import { C1SettingsError } from "../../../provider/c1/errors";
import { type ConfigSource, resolveSettings, serverUrlForHost, tenantHostFromClientId } from "../../../provider/c1/settings";

const config = (values: Record<string, string>): ConfigSource => ({ get: (key) => values[key] });
const secret = "secret-token:conductorone.com:v1:eyJrdHkiOiJPS1AifQ";

describe("settings resolution", () => {
  it("uses a static access token first, whatever else is set", () => {
    const settings = resolveSettings(undefined, {
      CONDUCTORONE_ACCESS_TOKEN: "tok",
      CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc",
      CONDUCTORONE_CLIENT_SECRET: secret,
    });
    expect(settings.auth).toEqual({ kind: "accessToken", accessToken: "tok" });
    expect(settings.serverUrl).toBe("https://acme.conductor.one");
  });

  it("prefers OIDC token exchange over client credentials", () => {
    const settings = resolveSettings(undefined, {
      CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc",
      CONDUCTORONE_CLIENT_SECRET: secret,
      CONDUCTORONE_OIDC_TOKEN: "oidc",
    });
    expect(settings.auth.kind).toBe("oidcTokenExchange");
  });

  it("uses client credentials when only a client id and secret are set", () => {
    const settings = resolveSettings(undefined, { CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc", CONDUCTORONE_CLIENT_SECRET: secret });
    expect(settings.auth).toEqual({ kind: "clientCredentials", clientId: "c@acme.conductor.one/pcc", clientSecret: secret });
  });

  it("lets stack config win over the env var, key by key", () => {
    const settings = resolveSettings(config({ "conductorone:serverUrl": "http://127.0.0.1:9/" }), {
      CONDUCTORONE_ACCESS_TOKEN: "tok",
      CONDUCTORONE_SERVER_URL: "https://other.example",
    });
    expect(settings.serverUrl).toBe("http://127.0.0.1:9");
    expect(settings.auth).toEqual({ kind: "accessToken", accessToken: "tok" });
  });

  it("treats an empty stack config value as unset", () => {
    const settings = resolveSettings(config({ "conductorone:accessToken": "" }), { CONDUCTORONE_ACCESS_TOKEN: "env-tok", CONDUCTORONE_TENANT_DOMAIN: "acme" });
    expect(settings.auth).toEqual({ kind: "accessToken", accessToken: "env-tok" });
  });

  it("derives the server URL from the tenant domain before the client id", () => {
    const settings = resolveSettings(undefined, {
      CONDUCTORONE_TENANT_DOMAIN: "Globex",
      CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc",
      CONDUCTORONE_CLIENT_SECRET: secret,
    });
    expect(settings.serverUrl).toBe("https://globex.conductor.one");
  });

  it.each([
    ["a bare tenant name", "acme", "https://acme.conductor.one"],
    ["a conductor.one host", "ACME.conductor.one", "https://acme.conductor.one"],
    ["another host", "c1.example.com", "https://c1.example.com"],
  ])("turns %s into a URL", (_label, host, url) => {
    expect(serverUrlForHost(host)).toBe(url);
  });

  it("finds the tenant host between '@' and '/' in a client id", () => {
    expect(tenantHostFromClientId("strange-hydra-68836@acme.conductor.one/pcc")).toBe("acme.conductor.one");
    expect(tenantHostFromClientId("no-at-sign")).toBeUndefined();
  });

  it("applies the documented defaults", () => {
    const settings = resolveSettings(undefined, { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "acme" });
    expect(settings.requestTimeoutMs).toBe(30_000);
    expect(settings.retry).toEqual({ maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxElapsedMs: 120_000 });
  });

  it("reads tuning settings from config and env", () => {
    const settings = resolveSettings(config({ "conductorone:requestTimeoutMs": "5000" }), {
      CONDUCTORONE_ACCESS_TOKEN: "t",
      CONDUCTORONE_TENANT_DOMAIN: "acme",
      CONDUCTORONE_MAX_RETRIES: "0",
    });
    expect(settings.requestTimeoutMs).toBe(5000);
    expect(settings.retry.maxRetries).toBe(0);
  });

  const bad: Array<[label: string, env: Record<string, string>, message: string]> = [
    ["no credentials", { CONDUCTORONE_TENANT_DOMAIN: "acme" }, "no C1 credentials: set conductorone:accessToken (CONDUCTORONE_ACCESS_TOKEN)"],
    ["a client id alone", { CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc" }, "conductorone:clientId (CONDUCTORONE_CLIENT_ID) is set but neither"],
    [
      "a secret without a client id",
      { CONDUCTORONE_CLIENT_SECRET: secret },
      "conductorone:clientId (CONDUCTORONE_CLIENT_ID) is required with conductorone:clientSecret",
    ],
    ["no server", { CONDUCTORONE_ACCESS_TOKEN: "t" }, "no C1 server"],
    [
      "a server URL that is not a URL",
      { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_SERVER_URL: "not a url" },
      "conductorone:serverUrl (CONDUCTORONE_SERVER_URL) is not a URL",
    ],
    ["a non-http server URL", { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_SERVER_URL: "ftp://x" }, "must be an http(s) URL"],
    [
      "a tenant domain with a path",
      { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "https://acme/x" },
      "conductorone:tenantDomain (CONDUCTORONE_TENANT_DOMAIN) must be a tenant name",
    ],
    [
      "a timeout that is not a number",
      { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "a", CONDUCTORONE_REQUEST_TIMEOUT_MS: "soon" },
      "conductorone:requestTimeoutMs (CONDUCTORONE_REQUEST_TIMEOUT_MS) must be a whole number above 0",
    ],
    ["a zero timeout", { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "a", CONDUCTORONE_REQUEST_TIMEOUT_MS: "0" }, "above 0"],
  ];

  it.each(bad)("refuses %s with a message naming the setting", (_label, env, message) => {
    expect(() => resolveSettings(undefined, env)).toThrow(C1SettingsError);
    expect(() => resolveSettings(undefined, env)).toThrow(message);
  });

  it("never echoes a credential in a settings error", () => {
    const env = { CONDUCTORONE_CLIENT_SECRET: "secret-token:conductorone.com:v1:TOPSECRETVALUE" };
    expect(() => resolveSettings(undefined, env)).toThrow(/^(?!.*TOPSECRETVALUE)/s);
  });
});
