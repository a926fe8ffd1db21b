/**
 * The benchmark's floor: the same N resources as the owners program (same names, inputs and
 * output shape) behind a dynamic provider that does nothing (noop-provider/, installed into
 * node_modules by the benchmark). What the engine, the Node SDK and the dynamic provider host cost
 * for N resources, with no provider work and no HTTP.
 */
import * as pulumi from "@pulumi/pulumi";

interface Key {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const noopProvider = require("c1-bench-noop-provider") as pulumi.dynamic.ResourceProvider;

class NoopOwner extends pulumi.dynamic.Resource {
  constructor(name: string, args: Key) {
    super(noopProvider, name, { ...args, createdAt: undefined, user: undefined }, undefined, "bench", "NoopOwner");
  }
}

const config = new pulumi.Config();
const count = config.requireNumber("owners");
const appId = config.require("appId");
const connectorId = config.require("connectorId");

for (let index = 0; index < count; index++) {
  const userId = `u-bench-${String(index).padStart(4, "0")}`;
  new NoopOwner(`owner-${userId}`, { appId, connectorId, roleSlug: "owner", userId });
}
