/**
 * Starts an emulator on loopback with a throwaway client, and the provider's env that points at
 * it: what `c1-ownership emulator`, `npm run demo` and users' own tests start it with.
 */
import type { ClientCredentials } from "./auth";
import { C1Emulator, type C1EmulatorOptions } from "./server";

/** Options for {@link startEmulator}. */
export interface StartEmulatorOptions extends C1EmulatorOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** First part of the demo client id. @default 'demo' */
  clientName?: string;
}

/** The CONDUCTORONE_* variables {@link startEmulator} sets; the banner unsets every other one. */
type EmulatorEnvName = "CONDUCTORONE_SERVER_URL" | "CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST" | "CONDUCTORONE_CLIENT_ID" | "CONDUCTORONE_CLIENT_SECRET";

/** A running emulator with a demo client. */
export interface StartedEmulator {
  emulator: C1Emulator;
  url: string;
  /** Throwaway local credentials, valid only against this emulator. */
  client: ClientCredentials;
  /**
   * The provider's env for this emulator: its URL, the demo client, and
   * `CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST` naming the emulator's host, which is not the tenant
   * host its client ids name (the provider refuses to send credentials there otherwise).
   */
  env: Record<EmulatorEnvName, string>;
  close: () => Promise<void>;
}

/** Starts an emulator and creates a demo client. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<StartedEmulator> {
  const { port = 0, clientName = "demo", ...emulatorOptions } = options;
  const emulator = new C1Emulator(emulatorOptions);
  const url = await emulator.listen(port);
  const client = emulator.createClient(clientName);
  return {
    emulator,
    url,
    client,
    env: {
      CONDUCTORONE_SERVER_URL: url,
      CONDUCTORONE_ALLOW_CREDENTIALS_TO_HOST: new URL(url).host,
      CONDUCTORONE_CLIENT_ID: client.clientId,
      CONDUCTORONE_CLIENT_SECRET: client.clientSecret,
    },
    close: () => emulator.close(),
  };
}
