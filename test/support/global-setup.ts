/**
 * Vitest global setup: before any test runs, (re)build the in-repo package that the end-to-end
 * programs import (see scripts/lib/ensure-in-repo-package.sh), so a test run after editing
 * provider/ never drives the engine with an old build, however vitest was started.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

export default function setup(): void {
  const repo = path.resolve(__dirname, "../..");
  execFileSync("bash", ["-c", 'source scripts/lib/ensure-in-repo-package.sh && ensure_in_repo_package "$PWD"'], { cwd: repo, stdio: "inherit" });
}
