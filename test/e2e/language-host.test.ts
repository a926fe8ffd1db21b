/**
 * Our own Node.js language host (scripts/pulumi-toolchain/language-host), beyond what the other
 * end-to-end tests exercise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2eStack, PROGRAMS } from "./harness";

let e2e: E2eStack;

beforeAll(async () => {
  e2e = await E2eStack.create({ programDir: PROGRAMS.noConfig, config: {} });
});

afterAll(async () => {
  await e2e?.dispose();
});

describe("the Node.js language host", () => {
  it("runs the program of a stack that has no config at all", async () => {
    const result = await e2e.stack.up(e2e.recording());
    expect(result.summary.result).toBe("succeeded");
    expect(result.outputs.greeting.value).toBe("hello from a stack without config");
  });
});
