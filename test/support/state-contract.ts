/**
 * The state contract, as tests state it: the `__provider` text users' state records for each
 * resource type, and what 0.1.0 recorded before the layout moved. See "State contract" in docs/architecture.md.
 */
import { PACKAGE_NAME } from "./consumer-project";

/**
 * The require specifiers that state records, per resource type. Frozen: see "State contract" in
 * docs/architecture.md. The type tokens are written out here on purpose, not imported from
 * src/provider/model/type-tokens.ts: a change there must fail this contract, not move it.
 */
export const STATE_ENTRIES = {
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner": `${PACKAGE_NAME}/dist/provider/dynamic/state-entry/connector-user-owner.js`,
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwners": `${PACKAGE_NAME}/dist/provider/dynamic/state-entry/connector-user-owners.js`,
};

/** What 0.1.0 recorded, before the layout moved. */
export const LEGACY_ENTRIES = {
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner": `${PACKAGE_NAME}/dist/provider/owner-provider-module.js`,
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwners": `${PACKAGE_NAME}/dist/provider/owner-set-provider-module.js`,
};

export const FIXTURES = {
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwner": "0.1.0-connector-user-owner.provider.txt",
  "pulumi-nodejs:dynamic/conductorone:ConnectorUserOwners": "0.1.0-connector-user-owners.provider.txt",
};

export type DynamicType = keyof typeof STATE_ENTRIES;

/** How far a measured `__provider` may be from a size the README states before the README is wrong. */
export const STATED_SIZE_MARGIN_BYTES = 10;

/** The whole `__provider` text the SDK writes for a provider that is one module of an installed package. */
export function providerTextRequiring(specifier: string): string {
  return [
    "exports.handler = __f0;",
    `const provider = require("${specifier}");`,
    "",
    "function __f0() {",
    "  return (function() {",
    "    with({ this: undefined, arguments: undefined }) {",
    "",
    "return () => provider;",
    "",
    "    }",
    "  }).apply(undefined, undefined).apply(this, arguments);",
    "}",
    "",
  ].join("\n");
}
