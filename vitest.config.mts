import { defineConfig } from "vitest/config";

/**
 * Two projects in one pool of workers, so the fast files run beside the end-to-end ones instead
 * of after them. Measured on 2 cores (docs/contributing.md): an end-to-end file keeps about 70% of
 * them busy (the CLI, the program and the provider process take turns), so two files side by side
 * fill the machine and a third only adds contention.
 */
const WORKERS = Number(process.env.C1_TEST_WORKERS ?? 2);

export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/count-assertions.ts"],
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }], "./test/support/file-times-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: WORKERS,
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
        },
      },
    ],
  },
});
