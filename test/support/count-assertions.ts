/**
 * Vitest setup file: records on each test how many assertions (`expect` calls) it ran, as
 * `meta.assertions`, so the file-times report can count them per file. A change that merges or
 * moves tests shows there whether every assertion still runs.
 */
import { afterEach, expect } from "vitest";

declare module "vitest" {
  interface TaskMeta {
    /** The `expect` calls the test made, counted by Vitest. */
    assertions?: number;
  }
}

afterEach(({ task }) => {
  task.meta.assertions = expect.getState().assertionCalls;
});
