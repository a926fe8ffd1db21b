/**
 * Pulumi dynamic provider for ConductorOne (C1) connector user owners.
 * This is the package's only public entry point.
 */
export { ConnectorUserOwner } from "./owner-resource";
export type { ConnectorUserOwnerArgs } from "./owner-resource";
export { ConnectorUserOwnerProvider } from "./owner-provider";
export type { ConnectorUserOwnerInputs } from "./owner-lifecycle";
export type { ConnectorUserOwnerOutputs, OwnerUser } from "./outputs";
export { ConnectorUserOwners } from "./owner-set-resource";
export type { ConnectorUserOwnersArgs } from "./owner-set-resource";
export { ConnectorUserOwnersProvider } from "./owner-set-provider";
export type { ConnectorUserOwnersInputs, ConnectorUserOwnersOutputs, SetOwner } from "./owner-set";
export type { OwnerKey } from "./owner-key";
export { formatOwnerId, parseOwnerId } from "./ids";
export { resolveSettings, SETTING_SOURCES, DEFAULT_SETTINGS } from "./settings";
export type { Settings, AuthSettings, ConfigSource, SettingName } from "./settings";
export {
  C1Error,
  C1ApiError,
  C1NetworkError,
  C1InvalidResponseError,
  C1AuthError,
  C1SettingsError,
  C1InvalidInputError,
  C1InvalidIdError,
} from "./errors";
export type { C1ErrorCode } from "./errors";
