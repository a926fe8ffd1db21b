/**
 * The end-to-end harness: the process runner, the stack, its emulator config and the checks
 * tests draw from runs. Tests import from here.
 */
export {
  adoptedUsers,
  allErrors,
  apiPathOf,
  checkAgreement,
  clientSecretParts,
  errorsFor,
  keyString,
  lastSeq,
  policyViolations,
  printSummary,
  requestFigures,
  requestsSince,
} from "./checks";
export type { Agreement } from "./checks";
export { emulatorStackConfig, FAST_RETRY } from "./emulator-config";
export { countByKind, injectedByKind, installFaultPlan, PLANNED_FAULT_KINDS, planFaults } from "./fault-plan";
export type { FaultPlanOptions, InstalledFaultPlan, PlannedCall, PlannedFault, PlannedFaultKind } from "./fault-plan";
export type { StackConfig } from "./emulator-config";
export { startEmulatorStack } from "./emulator-stack";
export type { EmulatorStackOptions } from "./emulator-stack";
export { assertExitedZero, descendantsOf, isAlive, runProcess, sleep, startProcess, waitFor } from "./process";
export type { ProcessOptions, ProcessResult, RunningProcess } from "./process";
export { C1_OWNERSHIP_CLI, PROGRAMS, SOAK } from "./programs";
export { E2eStack, OWNER_TYPE } from "./stack";
export type { CliRun, DeclaredOwner, E2eStackOptions, ExportedDeployment, RunningCli, StateOwner } from "./stack";
