import { describe, expect, it } from "vitest";
import { C1SettingsError } from "../../../src/provider/errors";
import { type ConfigSource, readVerifyUsers, resolveSettings, tenantHostFromClientId } from "../../../src/provider/c1/settings";

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
      CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "127.0.0.1:9",
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
    ["another host that the allow setting lists", "c1.example.com", "https://c1.example.com"],
  ])("turns %s as the tenant domain into a URL", (_label, host, url) => {
    const env = { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: host, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "c1.example.com" };
    expect(resolveSettings(undefined, env).serverUrl).toBe(url);
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
    ["a non-http server URL", { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_SERVER_URL: "ftp://x" }, "must be an https:// URL"],
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

describe("where credentials may go", () => {
  const clientCredentials = { CONDUCTORONE_CLIENT_ID: "c@acme.conductor.one/pcc", CONDUCTORONE_CLIENT_SECRET: secret };
  const allowSetting = "conductorone:allowCredentialsToHost (CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST)";

  it("refuses a stack config server that is not the client id's tenant host, naming both hosts and the setting", () => {
    const attempt = () => resolveSettings(config({ "conductorone:serverUrl": "https://attacker.example" }), clientCredentials);
    expect(attempt).toThrow(C1SettingsError);
    expect(attempt).toThrow(
      `refusing to send C1 credentials to attacker.example: it is not the tenant host acme.conductor.one (from conductorone:clientId (CONDUCTORONE_CLIENT_ID)). ` +
        `If attacker.example is a proxy or emulator you trust, list it in ${allowSetting}`,
    );
  });

  it("sends credentials to a server the allow setting names, from stack config or env", () => {
    const fromConfig = resolveSettings(
      config({ "conductorone:serverUrl": "https://proxy.example:8443", "conductorone:allowCredentialsToHost": "proxy.example:8443" }),
      clientCredentials,
    );
    expect(fromConfig.serverUrl).toBe("https://proxy.example:8443");
    const fromEnv = resolveSettings(undefined, {
      ...clientCredentials,
      CONDUCTORONE_SERVER_URL: "http://127.0.0.1:4010",
      CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "other.example, 127.0.0.1:4010",
    });
    expect(fromEnv.serverUrl).toBe("http://127.0.0.1:4010");
  });

  it("matches an allowed name:port on that port only, and a bare allowed name on any port", () => {
    const env = { ...clientCredentials, CONDUCTORONE_SERVER_URL: "https://proxy.example:9443" };
    expect(() => resolveSettings(undefined, { ...env, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "proxy.example:8443" })).toThrow(
      "refusing to send C1 credentials to proxy.example:9443",
    );
    expect(resolveSettings(undefined, { ...env, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "proxy.example" }).serverUrl).toBe("https://proxy.example:9443");
  });

  it("binds to the tenant domain when it is set", () => {
    const env = { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "acme" };
    expect(resolveSettings(config({ "conductorone:serverUrl": "https://acme.conductor.one/" }), env).serverUrl).toBe("https://acme.conductor.one");
    expect(() => resolveSettings(config({ "conductorone:serverUrl": "https://attacker.example" }), env)).toThrow(
      "it is not the tenant host acme.conductor.one (from conductorone:tenantDomain (CONDUCTORONE_TENANT_DOMAIN))",
    );
  });

  it("lets a bare access token go to the ConductorOne host its server URL names, and nowhere else", () => {
    expect(resolveSettings(undefined, { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_SERVER_URL: "https://acme.conductor.one" }).serverUrl).toBe(
      "https://acme.conductor.one",
    );
    expect(() => resolveSettings(config({ "conductorone:serverUrl": "https://attacker.example" }), { CONDUCTORONE_ACCESS_TOKEN: "t" })).toThrow(
      `refusing to send C1 credentials to attacker.example: the tenant host attacker.example (from conductorone:serverUrl (CONDUCTORONE_SERVER_URL); ` +
        `neither a tenant domain nor a client id host is set) is not a ConductorOne host (*.conductor.one). ` +
        `If attacker.example is a proxy or emulator you trust, list it in ${allowSetting}`,
    );
  });

  const notConductorOne: Array<[label: string, env: Record<string, string>, message: string]> = [
    [
      "a tenant domain outside conductor.one",
      { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_TENANT_DOMAIN: "attacker.example" },
      "the tenant host attacker.example (from conductorone:tenantDomain (CONDUCTORONE_TENANT_DOMAIN)) is not a ConductorOne host",
    ],
    [
      "a client id host outside conductor.one",
      { CONDUCTORONE_CLIENT_ID: "c@attacker.example/pcc", CONDUCTORONE_OIDC_TOKEN: "oidc" },
      "the tenant host attacker.example (from conductorone:clientId (CONDUCTORONE_CLIENT_ID)) is not a ConductorOne host",
    ],
    [
      "the bare conductor.one domain",
      { CONDUCTORONE_ACCESS_TOKEN: "t", CONDUCTORONE_SERVER_URL: "https://conductor.one" },
      "the tenant host conductor.one (from conductorone:serverUrl (CONDUCTORONE_SERVER_URL)",
    ],
    [
      "the tenant host on another port",
      { ...clientCredentials, CONDUCTORONE_SERVER_URL: "https://acme.conductor.one:8443" },
      "refusing to send C1 credentials to acme.conductor.one:8443: it is not the tenant host acme.conductor.one",
    ],
    [
      "the emulator without the allow setting",
      { CONDUCTORONE_CLIENT_ID: "demo@emulator.conductor.one/pcc", CONDUCTORONE_CLIENT_SECRET: secret, CONDUCTORONE_SERVER_URL: "http://127.0.0.1:4010" },
      "refusing to send C1 credentials to 127.0.0.1:4010: it is not the tenant host emulator.conductor.one",
    ],
  ];

  it.each(notConductorOne)("refuses %s unless the allow setting lists it", (_label, env, message) => {
    expect(() => resolveSettings(undefined, env)).toThrow(message);
    expect(() => resolveSettings(undefined, env)).toThrow(allowSetting);
  });

  it("accepts the default port spelled out and upper-case letters as the same tenant host", () => {
    const settings = resolveSettings(undefined, { ...clientCredentials, CONDUCTORONE_SERVER_URL: "HTTPS://ACME.Conductor.One:443" });
    expect(settings.serverUrl).toBe("https://acme.conductor.one");
  });

  it.each([
    ["127.0.0.0/8", "http://127.1.2.3:4010", "127.1.2.3:4010"],
    ["::1", "http://[::1]:4010", "[::1]:4010"],
    ["localhost", "http://localhost:4010", "localhost:4010"],
  ])("allows plain http to the loopback host %s", (_label, url, host) => {
    const settings = resolveSettings(undefined, { ...clientCredentials, CONDUCTORONE_SERVER_URL: url, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: host });
    expect(settings.serverUrl).toBe(url);
  });

  const plainHttp: Array<[label: string, url: string, host: string]> = [
    ["a tenant host", "http://acme.conductor.one", "acme.conductor.one"],
    ["an allowed proxy", "http://proxy.example:8080", "proxy.example"],
    ["a name that starts like a loopback address", "http://127.0.0.1.attacker.example", "127.0.0.1.attacker.example"],
    ["a name that starts with localhost", "http://localhost.attacker.example", "localhost.attacker.example"],
    ["a private address", "http://10.0.0.1", "10.0.0.1"],
  ];

  it.each(plainHttp)("refuses plain http to %s, naming the setting", (_label, url, host) => {
    const env = { ...clientCredentials, CONDUCTORONE_SERVER_URL: url, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: host };
    expect(() => resolveSettings(undefined, env)).toThrow(
      `conductorone:serverUrl (CONDUCTORONE_SERVER_URL) must use https:// for ${host}: plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost)`,
    );
  });

  const serverUrlShapes: Array<[label: string, url: string, message: string]> = [
    ["user info with a password", "https://user:TOPSECRETVALUE@acme.conductor.one", "must not contain user info (user@ or user:password@)"],
    ["user info that hides the real host", "https://acme.conductor.one@attacker.example", "must not contain user info"],
    ["a second '@'", "https://a@b@acme.conductor.one", "must not contain user info"],
    ["a query", "https://acme.conductor.one?x=1", "must not have a query or fragment"],
    ["a query after a slash", "https://acme.conductor.one/?x=1", "must not have a query or fragment"],
    ["a fragment", "https://acme.conductor.one#x", "must not have a query or fragment"],
    ["a path", "https://acme.conductor.one/api", "must not have a path"],
    ["a backslash that some parsers read as a slash", "https://attacker.example\\.acme.conductor.one", "has an invalid host name"],
    ["an underscore in the host", "https://acme_corp.conductor.one", "has an invalid host name"],
    ["a label starting with a hyphen", "https://-acme.conductor.one", "has an invalid host name"],
    ["an empty label", "https://acme..conductor.one", "has an invalid host name"],
    ["a trailing dot", "https://acme.conductor.one.", "has an invalid host name"],
    ["a port above 65535", "https://acme.conductor.one:99999", "has an invalid host name"],
    ["an IPv4-looking host that is no address", "https://999.1.1.1", "has an invalid host name"],
    ["no host", "https://", "has an invalid host name"],
    ["a space in the host", "https://acme conductor.one", "has an invalid host name"],
    ["a scheme without slashes", "https:acme.conductor.one", "must be an https:// URL"],
  ];

  it.each(serverUrlShapes)("refuses a server URL with %s by name", (_label, url, message) => {
    const attempt = () =>
      resolveSettings(undefined, { ...clientCredentials, CONDUCTORONE_SERVER_URL: url, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: "attacker.example" });
    expect(attempt).toThrow(C1SettingsError);
    expect(attempt).toThrow(`conductorone:serverUrl (CONDUCTORONE_SERVER_URL) ${message}`);
    expect(attempt).toThrow(/^(?!.*TOPSECRETVALUE)/s);
  });

  const clientIdShapes: Array<[label: string, clientId: string]> = [
    ["a second '@'", "c@attacker.example@acme.conductor.one/pcc"],
    ["a query in the host", "c@attacker.example?.acme.conductor.one/pcc"],
    ["a fragment in the host", "c@attacker.example#.acme.conductor.one/pcc"],
    ["user info in the host", "c@user:pw.attacker.example/pcc"],
    ["a backslash in the host", "c@attacker.example\\acme.conductor.one/pcc"],
    ["no host after '@'", "c@/pcc"],
  ];

  it.each(clientIdShapes)("refuses a client id with %s by name", (_label, clientId) => {
    const attempt = () => resolveSettings(undefined, { CONDUCTORONE_CLIENT_ID: clientId, CONDUCTORONE_CLIENT_SECRET: secret });
    expect(attempt).toThrow(C1SettingsError);
    expect(attempt).toThrow("conductorone:clientId (CONDUCTORONE_CLIENT_ID) must be name@tenant-host/pcc with one '@' and a valid host name");
  });

  it.each([
    ["a URL", "https://proxy.example"],
    ["a wildcard", "*"],
    ["a path", "proxy.example/x"],
    ["user info", "user@proxy.example"],
  ])("refuses an allow setting holding %s", (_label, value) => {
    const env = { ...clientCredentials, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: value };
    expect(() => resolveSettings(undefined, env)).toThrow(`${allowSetting} must list hosts as name or name:port`);
  });
});

describe("verifyUsers", () => {
  const config = (values: Record<string, string>): ConfigSource => ({ get: (key) => values[key] });

  it("is on by default, and read from stack config before the environment, in any case", () => {
    expect(readVerifyUsers(undefined, {})).toBe(true);
    expect(readVerifyUsers(undefined, { CONDUCTORONE_VERIFY_USERS: "FALSE" })).toBe(false);
    expect(readVerifyUsers(config({ "conductorone:verifyUsers": "true" }), { CONDUCTORONE_VERIFY_USERS: "false" })).toBe(true);
    expect(readVerifyUsers(config({ "conductorone:verifyUsers": "False" }), {})).toBe(false);
  });

  it("refuses anything but true or false, naming the setting and the value", () => {
    expect(() => readVerifyUsers(undefined, { CONDUCTORONE_VERIFY_USERS: "0" })).toThrow(C1SettingsError);
    expect(() => readVerifyUsers(undefined, { CONDUCTORONE_VERIFY_USERS: "0" })).toThrow(
      'conductorone:verifyUsers (CONDUCTORONE_VERIFY_USERS) must be true or false, got "0"',
    );
  });
});
