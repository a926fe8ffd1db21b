/**
 * Stack config that points a test stack's provider at the C1 emulator, and the one retry tuning
 * every test uses (the in-process provider tests too, through test/support/provider-fixture.ts).
 */

/** Stack config as the Automation API sets it; values marked secret are stored encrypted. */
export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/**
 * Retry tuning for tests: the provider's rules, short waits. retryMaxDelayMs stays above the
 * emulator's Retry-After (1 s in the reliability tests, up to 2 s in the provider tests) so a 429
 * is waited out, not given up on; maxRetries 3 makes 4 attempts, as the tests' messages expect.
 */
export const FAST_RETRY = {
  "conductorone:maxRetries": "3",
  "conductorone:retryBaseDelayMs": "100",
  "conductorone:retryMaxDelayMs": "5000",
  "conductorone:retryMaxElapsedMs": "20000",
};

/**
 * What `conductorone:allowCredentialsToHost` must name for a provider to send credentials to the
 * emulator at `serverUrl`: its client ids name the tenant `emulator.conductor.one`, but it serves
 * on 127.0.0.1, a host the provider refuses credentials to unless that setting lists it.
 */
export function emulatorCredentialHost(serverUrl: string): string {
  return new URL(serverUrl).host;
}

/**
 * Stack config with {@link FAST_RETRY}, the emulator's URL as `conductorone:serverUrl` (and its
 * host as `conductorone:allowCredentialsToHost`) and client
 * credentials, the secret stored encrypted as users are told to store it. Leave out what the
 * provider is to read from env instead (credentials from env vars or an OIDC token, the URL too).
 */
export function emulatorStackConfig(serverUrl?: string, credentials?: { clientId: string; clientSecret: string }): StackConfig {
  const config: StackConfig = {};
  if (serverUrl !== undefined) {
    config["conductorone:serverUrl"] = { value: serverUrl };
    config["conductorone:allowCredentialsToHost"] = { value: emulatorCredentialHost(serverUrl) };
  }
  if (credentials) {
    config["conductorone:clientId"] = { value: credentials.clientId };
    config["conductorone:clientSecret"] = { value: credentials.clientSecret, secret: true };
  }
  for (const [key, value] of Object.entries(FAST_RETRY)) config[key] = { value };
  return config;
}
