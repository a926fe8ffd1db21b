/**
 * Pulumi dynamic provider for ConductorOne (C1) connector user owners.
 * This is the package's only public entry point.
 */
export { ConnectorUserOwner } from "./resources/connector-user-owner";
export type { ConnectorUserOwnerArgs } from "./resources/connector-user-owner";
export { ConnectorUserOwners } from "./resources/connector-user-owners";
export type { ConnectorUserOwnersArgs } from "./resources/connector-user-owners";
export { ConnectorUserOwnerProvider } from "./dynamic/connector-user-owner-provider";
export { ConnectorUserOwnersProvider } from "./dynamic/connector-user-owners-provider";
export type { ConnectorUserOwnerInputs, ConnectorUserOwnersInputs } from "./model/inputs";
export type { ConnectorUserOwnerOutputs, ConnectorUserOwnersOutputs, OwnerUser, SetOwner } from "./model/outputs";
export type { OwnerKey, OwnerRole } from "./model/owner-key";
export { formatOwnerId, parseOwnerId, formatConnectorUserOwnersId, parseConnectorUserOwnersId } from "./model/ids";
/** @deprecated since 0.2.0: the same function as {@link formatConnectorUserOwnersId}, under its 0.1 name. */
export { formatConnectorUserOwnersId as formatOwnerSetId, parseConnectorUserOwnersId as parseOwnerSetId } from "./model/ids";
export { OWNER_RESOURCE_TYPES, TYPE_MODULE } from "./model/type-tokens";
export type { OwnerResourceKind } from "./model/type-tokens";
export { resolveSettings, SETTING_SOURCES, DEFAULT_SETTINGS } from "./c1/settings";
export type { Settings, AuthSettings, ConfigSource, SettingName } from "./c1/settings";
export {
  C1Error,
  C1ApiError,
  C1RateLimitedError,
  C1NetworkError,
  C1InvalidResponseError,
  C1AuthError,
  C1SettingsError,
  C1InvalidInputError,
  C1InvalidIdError,
  isC1Error,
  isC1ApiError,
  isC1RateLimitedError,
  isC1NetworkError,
  isC1InvalidResponseError,
  isC1AuthError,
  isC1SettingsError,
  isC1InvalidInputError,
  isC1InvalidIdError,
} from "./errors";
export type { C1ErrorCode } from "./errors";
