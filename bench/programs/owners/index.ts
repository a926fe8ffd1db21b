/**
 * The benchmark's stack: N owners of one connector, one user each. N comes from stack config
 * (`owners`); names and keys are the same as the floor program's, so both stacks have the same
 * number and shape of resources.
 *
 * `providerFrom` picks where ConnectorUserOwner comes from:
 *   package: the packed package, installed into node_modules by the benchmark, as users get it;
 *   source:  this repo's TypeScript sources, as the end-to-end tests use it.
 */
import * as pulumi from "@pulumi/pulumi";

type ProviderModule = typeof import("../../../src/provider");

const config = new pulumi.Config();
const count = config.requireNumber("owners");
const appId = config.require("appId");
const connectorId = config.require("connectorId");
const providerFrom = config.require("providerFrom");

/* eslint-disable @typescript-eslint/no-require-imports */
const { ConnectorUserOwner }: ProviderModule = providerFrom === "package" ? require("pulumi-conductorone-owners") : require("../../../src/provider");

for (let index = 0; index < count; index++) {
  const userId = `u-bench-${String(index).padStart(4, "0")}`;
  new ConnectorUserOwner(`owner-${userId}`, { appId, connectorId, roleSlug: "owner", userId });
}
