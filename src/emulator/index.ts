/**
 * The C1 emulator, the package entry `pulumi-conductorone-owners/emulator`: a local ConductorOne
 * API over real HTTP, on 127.0.0.1 only, with throwaway credentials. For users' own tests of their
 * ownership repository, `c1-ownership emulator` (src/cli/), this repository's tests, demo and
 * benchmark. Everything else in this folder is internal.
 *
 * ```ts
 * const { url, env, emulator, close } = await startEmulator();
 * emulator.store.addOwner({ appId: "app-payroll", connectorId: "conn-okta", roleSlug: "owner", userId: "u-alice" });
 * // ... run pulumi with `env` (the CONDUCTORONE_* settings that point at it) ...
 * await close();
 * ```
 */

/** The emulator: `listen`, `url`, `reset`, `close`, its `store`, `faults`, request log and credentials. */
export { C1Emulator } from "./server";
/** Options of {@link C1Emulator} and its live `settings`. */
export type { C1EmulatorOptions, C1EmulatorSettings } from "./server";

/** Starts an emulator with a demo client, as `c1-ownership emulator` and `npm run demo` do. */
export { startEmulator } from "./start";
/** Options and result of {@link startEmulator}. */
export type { StartEmulatorOptions, StartedEmulator } from "./start";

/** Prefix of a C1 client secret (the rest is an Ed25519 private JWK), to sign client assertions with. */
export { CLIENT_SECRET_PREFIX } from "./auth";
/** A client id and secret, as `createClient` returns them. */
export type { ClientCredentials } from "./auth";

/** Whether a logged request path is one of the users endpoints (a user lookup). */
export { isUsersPath } from "./routes/users";
/** Path of the token endpoint, relative to the emulator URL. */
export { TOKEN_PATH } from "./routes/token";

/** The seedable PRNG chaos mode uses, for tests that pick faults the same reproducible way. */
export { mulberry32 } from "./faults";
/** A fault rule for `faults.add`, chaos fault kinds, and the counts `faults.counts()` returns. */
export type { FaultRule, ChaosKind, FaultCounts } from "./faults";

/** Who owns which connector in which role: the key of the owner store. */
export type { OwnerKey } from "./store";

/** The rate-limit mode's settings and status (`emulator.rateLimit`). */
export type { RateLimitSettings, RateLimitStatus } from "./rate-limit";

/** One entry of the request log (`emulator.requests`). */
export type { RequestLogEntry } from "./request-log";
