import { expect } from "vitest";
import { C1Emulator, type C1EmulatorOptions } from "../../src/emulator";
import { ConnectorUserOwnerProvider } from "../../src/provider";
import { emulatorCredentialHost, FAST_RETRY } from "../e2e/harness/emulator-config";

/** The one retry tuning of the tests (defined with the end-to-end stack config), for provider tests. */
export { FAST_RETRY };

/** The host `conductorone:allowCredentialsToHost` names for an emulator URL. */
export { emulatorCredentialHost };

/** Stack config as the dynamic provider host hands it to `configure`. */
export function stackConfig(values: Record<string, string>) {
  return { get: (key: string) => values[key], require: (key: string) => values[key] };
}

/** An emulator on a random port, with one client-credentials client. */
export async function startTestEmulator(options: C1EmulatorOptions = {}) {
  const emulator = new C1Emulator(options);
  await emulator.listen();
  const client = emulator.createClient("tests");
  return { emulator, ...client };
}

/** A provider configured through stack config, as the engine would do it. */
export async function configuredProvider(values: Record<string, string>): Promise<ConnectorUserOwnerProvider> {
  const provider = new ConnectorUserOwnerProvider();
  await provider.configure({ config: stackConfig(values) });
  return provider;
}

/** Stack config that points a provider at `emulator` and lets credentials go there (see emulatorCredentialHost). */
export function emulatorServerConfig(emulator: C1Emulator) {
  return { "conductorone:serverUrl": emulator.url, "conductorone:allowCredentialsToHost": emulatorCredentialHost(emulator.url) };
}

/** {@link emulatorServerConfig} as the CONDUCTORONE_* env vars. */
export function emulatorServerEnv(emulator: C1Emulator) {
  return { CONDUCTORONE_SERVER_URL: emulator.url, CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: emulatorCredentialHost(emulator.url) };
}

/** The stack config for client credentials against `emulator`. */
export function clientCredentialsConfig(emulator: C1Emulator, clientId: string, clientSecret: string, extra: Record<string, string> = {}) {
  return {
    ...emulatorServerConfig(emulator),
    "conductorone:clientId": clientId,
    "conductorone:clientSecret": clientSecret,
    ...FAST_RETRY,
    ...extra,
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

/** Asserts that none of `secrets` appears in `text`; returns the first leaked one for a clear failure. */
export function findLeak(text: string, secrets: string[]): string | undefined {
  return secrets.find((secret) => secret.length >= 8 && text.includes(secret));
}

/**
 * Asserts that no credential of `emulator` (client secrets, private keys, OIDC and access tokens it
 * issued so far) nor any of `extra` appears in the error's message, its JSON form or its stack.
 * Call it where the error is caught: a test may swap emulators, and each has its own credentials.
 */
export function expectNoCredentialIn(error: Error, emulator: C1Emulator, extra: string[] = []): void {
  const secrets = [...extra, ...emulator.sensitiveValues()];
  for (const text of [String(error), JSON.stringify(error), String(error.stack)]) {
    expect(findLeak(text, secrets)).toBeUndefined();
  }
}
