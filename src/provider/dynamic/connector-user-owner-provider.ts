import type * as pulumi from "@pulumi/pulumi";
import type { ConnectorUserOwnerInputs } from "../model/inputs";
import type { ConnectorUserOwnerOutputs } from "../model/outputs";
import * as entry from "./state-entry/connector-user-owner";

/**
 * The Pulumi dynamic provider behind ConnectorUserOwner, as a class for direct use (tests,
 * scripts, programs that pass their own provider). It is the state-entry module under another
 * shape: each method calls the module's function with this object as `this`. It holds no state
 * and no credential: settings are resolved on each call from stack config (via `configure`) and
 * the environment.
 */
export class ConnectorUserOwnerProvider implements pulumi.dynamic.ResourceProvider<ConnectorUserOwnerInputs, ConnectorUserOwnerOutputs> {
  /** Keeps the `conductorone:*` stack config for this provider's later calls. */
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    return entry.configure.call(this, req);
  }

  /** Validates the four keys without calling C1; never rewrites a value. */
  check(olds: Partial<ConnectorUserOwnerInputs> | undefined, news: ConnectorUserOwnerInputs) {
    return entry.check.call(this, olds, news);
  }

  /** A changed key replaces the owner (create before delete); nothing else is a change. */
  diff(id: string, olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs) {
    return entry.diff(id, olds, news);
  }

  /** POSTs the owner; adopts it, with a warning, when C1 already has it. */
  create(inputs: ConnectorUserOwnerInputs) {
    return entry.create.call(this, inputs);
  }

  /** GETs the owner; no id when it is gone (404), so the engine reports drift. */
  read(id: string) {
    return entry.read.call(this, id);
  }

  /** Returns the outputs unchanged: only reachable when no key changed. */
  update(id: string, olds: ConnectorUserOwnerOutputs, news?: ConnectorUserOwnerInputs) {
    return entry.update(id, olds, news);
  }

  /** DELETEs the owner; already gone (404) counts as deleted. */
  delete(id: string, props: ConnectorUserOwnerOutputs) {
    return entry.delete.call(this, id, props);
  }
}
