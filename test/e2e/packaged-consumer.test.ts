/**
 * The published package as a user gets it: `npm pack` of this repo installed into a separate
 * Pulumi program (test/e2e/consumer) from node_modules, on the newest @pulumi/pulumi and on the
 * lowest version our peer range admits, driven by the real CLI against the emulator through the
 * shared lifecycle suite, plus what only an installed package shows: how state loads the provider.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConsumerProject, installedVersion, PACKAGE_NAME, packRepo } from "../support/consumer-project";
import { statedProviderBytes } from "../support/readme";
import { providerTextRequiring, STATE_ENTRIES, STATED_SIZE_MARGIN_BYTES } from "../support/state-contract";
import { OWNER_TYPE } from "./harness";
import { describeOwnerLifecycle } from "./scenarios/owner-lifecycle";

/** The newest @pulumi/pulumi we test with, and the lowest that package.json's peer range admits. */
const SDK_VERSIONS = ["3.276.0", "3.250.0"];

const templateDir = path.resolve(__dirname, "consumer");

let workDir: string;
let tarball: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "c1-consumer-"));
  tarball = await packRepo(workDir);
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

for (const sdkVersion of SDK_VERSIONS) {
  describeOwnerLifecycle(`the packed package installed next to @pulumi/pulumi ${sdkVersion}`, {
    setup: async () => {
      const projectDir = path.join(workDir, `consumer-${sdkVersion}`);
      await createConsumerProject({ templateDir, projectDir, sdkVersion, tarball });
      expect(await installedVersion(projectDir, "@pulumi/pulumi")).toBe(sdkVersion);
      return projectDir;
    },
    setupTimeoutMs: 240_000,
    // As users run it: ts-node type-checks their program against the package's declarations.
    typeCheck: true,
    afterUp: (lifecycle) => {
      it("serializes a provider that requires the installed package instead of inlining its code", async () => {
        const { e2e, programDir } = lifecycle;
        const texts = await e2e.providerTexts();
        expect(texts).toHaveLength(3);
        const bytes = Math.max(...texts.map((text) => Buffer.byteLength(text)));
        console.log(`__provider bytes per resource (installed package, @pulumi/pulumi ${sdkVersion}): ${bytes}`);
        for (const text of texts) {
          const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
          const ours = required.filter((specifier) => specifier.startsWith(`${PACKAGE_NAME}/`));
          expect(ours.length).toBeGreaterThan(0);
          // Only the package and the SDK are loaded: axios and jose are not, since no code of ours that uses them is inlined.
          expect(required.filter((specifier) => !ours.includes(specifier) && !specifier.startsWith("@pulumi/pulumi/"))).toEqual([]);
          // Every module it loads is one the package's "exports" admits, resolved from the program as the provider process does.
          const requireFromProgram = createRequire(path.join(programDir, "index.ts"));
          for (const specifier of ours) expect(() => requireFromProgram.resolve(specifier)).not.toThrow();
          // The helpers live in the package, not in the text (inlined functions carry their name in a comment).
          expect(text).not.toMatch(/function \/\*(clientFor|resolveSettings|createUserOwner|parseOwnerId)\*\//);
        }
        // Exactly the state contract's text: one require of the resource's state entry.
        for (const text of texts) expect(text).toBe(providerTextRequiring(STATE_ENTRIES[OWNER_TYPE]));
        // The size the README states, so a change to the text shows there.
        for (const stated of await statedProviderBytes()) {
          expect(Math.abs(bytes - stated), `the README states ${stated} bytes per resource, measured ${bytes}`).toBeLessThanOrEqual(STATED_SIZE_MARGIN_BYTES);
        }
      });
    },
  });
}
