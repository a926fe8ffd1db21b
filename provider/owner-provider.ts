import type * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "./owner-lifecycle";
import type { ConnectorUserOwnerInputs } from "./owner-lifecycle";
import type { ConnectorUserOwnerOutputs } from "./outputs";
import { rememberStackConfig } from "./process-state";

/**
 * The Pulumi dynamic provider behind ConnectorUserOwner. It holds no state and no credential:
 * settings are resolved on each call from stack config (via `configure`) and the environment.
 * Works under the engine and when called directly, e.g. from tests or scripts.
 *
 * Pulumi serializes this object into every resource's state, so each method only delegates to
 * owner-lifecycle: from an installed package that module is serialized as a `require`, which
 * keeps `__provider` small.
 */
export class ConnectorUserOwnerProvider implements pulumi.dynamic.ResourceProvider<ConnectorUserOwnerInputs, ConnectorUserOwnerOutputs> {
  /** Keeps the `conductorone:*` stack config for this provider's later calls. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    rememberStackConfig(this, req.config);
  }

  /** Validates the four keys without calling C1; never rewrites a value. */
  check(_olds: unknown, news: ConnectorUserOwnerInputs) {
    return lifecycle.checkOwner(news);
  }

  /** A changed key replaces the owner (create before delete); nothing else is a change. */
  diff(_id: string, olds: ConnectorUserOwnerOutputs, news: ConnectorUserOwnerInputs) {
    return lifecycle.diffOwner(olds, news);
  }

  /** POSTs the owner; adopts it, with a warning, when C1 already has it. */
  create(inputs: ConnectorUserOwnerInputs) {
    return lifecycle.createOwner(this, inputs);
  }

  /** GETs the owner; no id when it is gone (404), so the engine reports drift. */
  read(id: string) {
    return lifecycle.readOwner(this, id);
  }

  /** Returns the outputs unchanged: only reachable when no key changed. */
  update(_id: string, olds: ConnectorUserOwnerOutputs, _news?: ConnectorUserOwnerInputs) {
    return lifecycle.updateOwner(olds);
  }

  /** DELETEs the owner; already gone (404) counts as deleted. */
  delete(id: string, props: ConnectorUserOwnerOutputs) {
    return lifecycle.deleteOwner(this, id, props);
  }
}
