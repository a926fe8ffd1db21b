/**
 * The C1 API emulator for tests, demos and local runs.
 *
 * ```ts
 * const emulator = new C1Emulator();
 * const url = await emulator.listen();
 * const { clientId, clientSecret } = emulator.createClient();
 * // ... point the provider at url ...
 * await emulator.close();
 * ```
 */
export { C1Emulator, DEFAULT_EMULATOR_SETTINGS } from './server';
export type { C1EmulatorOptions, C1EmulatorSettings } from './server';
export {
  TokenAuthority,
  hostnameOf,
  CLIENT_SECRET_PREFIX,
  CLIENT_ID_HOST,
  GRANT_CLIENT_CREDENTIALS,
  GRANT_TOKEN_EXCHANGE,
  ASSERTION_TYPE_JWT_BEARER,
  SUBJECT_TOKEN_TYPE_JWT,
  MAX_ASSERTION_LIFETIME_MS,
} from './auth';
export type { ClientCredentials, TokenResponse, TokenGrantResult } from './auth';
export { EmulatorStore, StoreError, DEMO_APPS, DEMO_USERS } from './store';
export type { User, UserStatus, OwnerKey, OwnerRecord, ConnectorOwnerUser } from './store';
export { FaultInjector, faultRuleFromJson, mulberry32 } from './faults';
export type { FaultRule, ChaosKind, ChaosOptions, FaultCounts, FaultDecision } from './faults';
export type { RequestLogEntry, RequestFilter, RequestKind } from './request-log';
export { TOKEN_PATH } from './routes/token';
export { ADMIN_PREFIX } from './routes/admin';
export { startEmulator, formatBanner, parseCliArgs } from './cli';
export type { StartEmulatorOptions, StartedEmulator } from './cli';
