/** The usual start of an end-to-end test: a fresh emulator and a stack configured for it. */
import type { C1EmulatorOptions } from "../../../src/emulator";
import { startTestEmulator } from "../../support/provider-fixture";
import { emulatorStackConfig } from "./emulator-config";
import { E2eStack } from "./stack";

export interface EmulatorStackOptions {
  programDir: string;
  /** See {@link E2eStack.create}. */
  typeCheck?: boolean;
  emulator?: C1EmulatorOptions;
}

/**
 * Starts an emulator with one client-credentials client and creates a stack of `programDir` whose
 * config ({@link emulatorStackConfig}) points at it with that client. Closes the emulator again
 * when the stack cannot be created.
 */
export async function startEmulatorStack(options: EmulatorStackOptions) {
  const { emulator, clientId, clientSecret } = await startTestEmulator(options.emulator);
  try {
    const e2e = await E2eStack.create({
      programDir: options.programDir,
      typeCheck: options.typeCheck,
      config: emulatorStackConfig(emulator.url, { clientId, clientSecret }),
    });
    return { emulator, clientId, clientSecret, e2e };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
