/** The programs the end-to-end tests drive (test/e2e/programs), and how long the reliability runs are. */
import * as path from "node:path";

const programsDir = path.resolve(__dirname, "../programs");

/** Each program's directory. `reliability` passes every key through as given, so bad input reaches `check`. */
export const PROGRAMS = {
  owners: path.join(programsDir, "owners"),
  connectorUserOwners: path.join(programsDir, "connector-user-owners"),
  noConfig: path.join(programsDir, "no-config"),
  reliability: path.join(programsDir, "reliability"),
};

/** Longer reliability runs (more rounds, each bad input on its own `up`) when C1_SOAK=1. */
export const SOAK = process.env.C1_SOAK === "1";

/** The `c1-ownership` CLI as the package ships it: compiled, from the package vitest's global setup stages. */
export const C1_OWNERSHIP_CLI = path.resolve(__dirname, "../../../node_modules/pulumi-conductorone-owners/dist/cli/main.js");
