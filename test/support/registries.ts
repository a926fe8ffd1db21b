/**
 * Test-only resets of the per-process registries. A real program or provider process starts with
 * empty ones; tests run many programs and deployments in one process, so they empty them between.
 */
import { providerRegistry } from "../../src/provider/dynamic/provider-registry";
import { programRegistry } from "../../src/provider/resources/program-registry";

/** Forgets the roles and owners that ConnectorUserOwners sets of earlier "deployments" marked as theirs. */
export function forgetRolesManagedBySets(): void {
  providerRegistry().rolesManagedBySets.length = 0;
  providerRegistry().ownersManagedBySets.length = 0;
}

/** Forgets every role and owner claim of earlier "programs". */
export function resetRoleClaims(): void {
  programRegistry().roles.clear();
  programRegistry().owners.clear();
}
