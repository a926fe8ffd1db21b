import { C1Emulator, type C1EmulatorOptions } from "../../scripts/c1-emulator";
import { ConnectorUserOwnerProvider } from "../../provider";
import { FAST_RETRY } from "../e2e/harness/emulator-config";

/** The one retry tuning of the tests (defined with the end-to-end stack config), for provider tests. */
export { FAST_RETRY };

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

/** The stack config for client credentials against `emulator`. */
export function clientCredentialsConfig(emulator: C1Emulator, clientId: string, clientSecret: string, extra: Record<string, string> = {}) {
  return {
    "conductorone:serverUrl": emulator.url,
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
