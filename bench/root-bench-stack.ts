/**
 * The repository's root stack (stack/index.ts, the ownership document) on a fresh emulator that
 * knows a benchmark document's apps and users, with a file backend and config folder of its own:
 * the set-up of the benchmarks that drive the root stack alone (bench:rate-limit,
 * bench:verify-users). Everything is removed afterwards, also when `use` throws.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { C1Emulator } from "../src/emulator";
import type { BenchDocument } from "./root-document";
import { BenchStack, emulatorProviderConfig } from "./stack";

const repoDir = path.resolve(__dirname, "..");

/** The document's key in stack config: the root project's name, then `owners`. */
export const OWNERS_CONFIG_KEY = "c1-ownership:owners";

export async function withRootBenchStack<T>(bench: BenchDocument, use: (emulator: C1Emulator, stack: BenchStack) => Promise<T>): Promise<T> {
  const emulator = new C1Emulator({ seed: false });
  await emulator.listen();
  const client = emulator.createClient("bench");
  const backendDir = await mkdtemp(path.join(tmpdir(), "c1-bench-state-"));
  const configDir = await mkdtemp(path.join(tmpdir(), "c1-bench-config-"));
  for (const { appId, connectorIds } of bench.apps) emulator.store.addApp(appId, connectorIds);
  for (const id of bench.userIds) emulator.store.addUser({ id });
  let stack: BenchStack | undefined;
  try {
    stack = await BenchStack.create(repoDir, backendDir, emulatorProviderConfig(emulator.url, client), {
      configDir,
      objectConfig: { [OWNERS_CONFIG_KEY]: bench.document },
    });
    return await use(emulator, stack);
  } finally {
    await stack?.dispose();
    await emulator.close();
    await rm(backendDir, { recursive: true, force: true });
    await rm(configDir, { recursive: true, force: true });
  }
}
