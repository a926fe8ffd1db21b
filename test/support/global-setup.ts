/**
 * Vitest global setup: before any test runs, (re)build the in-repo package that the end-to-end
 * programs import (see scripts/stage-in-repo-package.sh), so a test run after editing
 * provider/ never drives the engine with an old build, however vitest was started.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

export default function setup(): void {
  const repo = path.resolve(__dirname, "../..");
  execFileSync("bash", [path.join(repo, "scripts/stage-in-repo-package.sh")], { stdio: "inherit" });
}
