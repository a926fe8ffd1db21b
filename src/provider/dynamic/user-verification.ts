/**
 * Who a change makes an owner, looked up in C1 during check (so during preview, before anything
 * is written): a user C1 does not know, or whose status is DELETED, fails the check with the
 * resource's property and the user; the others come back with their email and status, which the
 * checked inputs carry (`verifiedUsers`) so the policy pack and the preview's diff see them.
 *
 * Only users a change adds are looked up, each once per provider process, a few at a time: a
 * preview that changes nothing makes no lookup. With `verifyUsers` off nothing is looked up;
 * without credentials (a local preview) the preview warns once instead of failing.
 */
import * as pulumi from "@pulumi/pulumi";
import type { C1Client } from "../c1/client";
import { type DirectoryUser, getUser, userPath } from "../c1/users-api";
import { type C1ApiError, isC1ApiError, isC1SettingsError } from "../errors";
import { forEachLimited } from "../util/concurrency";
import { globalSlot } from "../util/global-slot";
import { clientFor, verifyUsersFor } from "./provider-registry";

const HTTP_FORBIDDEN = 403;

/** Lookups in flight at once for one check. */
const LOOKUP_CONCURRENCY = 8;

/** A user to look up, and how a failure names where it is (`userIds[2]`, `owners.app.conn.owner[2]`). */
export interface UserToVerify {
  userId: string;
  label: string;
}

/** What a preview knows of a user it adds. */
export type VerifiedUser = DirectoryUser;

interface VerificationState {
  lookups: WeakMap<C1Client, Map<string, Promise<DirectoryUser | undefined>>>;
  warned: boolean;
}

function state(): VerificationState {
  return globalSlot<VerificationState>("user-verification/v1", () => ({ lookups: new WeakMap(), warned: false }));
}

/** One lookup per user per client (and so per provider process and settings). */
function lookUp(client: C1Client, userId: string): Promise<DirectoryUser | undefined> {
  const { lookups } = state();
  let byUser = lookups.get(client);
  if (byUser === undefined) lookups.set(client, (byUser = new Map()));
  let lookup = byUser.get(userId);
  if (lookup === undefined) {
    lookup = getUser(client, userId);
    // A failed lookup is not remembered: the next check tries again.
    lookup.catch(() => byUser!.delete(userId));
    byUser.set(userId, lookup);
  }
  return lookup;
}

/**
 * Looks up `users` in C1 for `property` of `resource`.
 * @returns the check failures (unknown or DELETED users) and what C1 says of the others.
 */
export async function verifyUsers(
  provider: object,
  resource: string,
  property: string,
  users: readonly UserToVerify[],
): Promise<{ failures: pulumi.dynamic.CheckFailure[]; verified: VerifiedUser[] }> {
  if (users.length === 0 || !verifyUsersFor(provider)) return { failures: [], verified: [] };
  let client: C1Client;
  try {
    client = clientFor(provider);
  } catch (error) {
    if (!isC1SettingsError(error)) throw error;
    if (!state().warned) {
      state().warned = true;
      await pulumi.log.warn(
        `${resource}: the users this change makes owners were not looked up in C1 (${error.message}); set the credentials, or conductorone:verifyUsers to false`,
      );
    }
    return { failures: [], verified: [] };
  }
  const found = new Map<string, DirectoryUser | undefined>();
  // A principal that may not read users (403): a failure that says how to fix it, not a bare error.
  const denied = new Map<string, C1ApiError>();
  await forEachLimited([...new Set(users.map((user) => user.userId))], LOOKUP_CONCURRENCY, async (userId) => {
    try {
      found.set(userId, await lookUp(client, userId));
    } catch (error) {
      if (!isC1ApiError(error) || error.status !== HTTP_FORBIDDEN) throw error;
      denied.set(userId, error);
    }
  });
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const verified: VerifiedUser[] = [];
  for (const { userId, label } of users) {
    const refusal = denied.get(userId);
    const user = found.get(userId);
    if (refusal !== undefined) {
      failures.push({
        property,
        reason:
          `${label}: ${userId} could not be looked up (${refusal.message}): the credentials may not read C1's users. ` +
          `Give the principal read access to users, or set conductorone:verifyUsers to false; nothing was changed`,
      });
    } else if (user === undefined) {
      failures.push({ property, reason: `${label}: ${userId} is not a C1 user (GET ${userPath(userId)} answered 404 Not Found); nothing was changed` });
    } else if (user.status === "DELETED") {
      failures.push({ property, reason: `${label}: ${userId} is DELETED in C1 and cannot own a connector; nothing was changed` });
    } else if (!verified.some((known) => known.id === userId)) {
      verified.push(user);
    }
  }
  return { failures, verified };
}

/** Forgets every lookup and the warning given: for tests that reuse one process. */
export function forgetUserLookups(): void {
  const current = state();
  current.lookups = new WeakMap();
  current.warned = false;
}

/**
 * A check's result once the users a change adds are looked up: `checked` when it already failed
 * (nothing is looked up for a bad key) or adds nobody; the lookup's failures; or the checked inputs
 * with `verifiedUsers`, which no diff reads (an email changing in C1 later never shows as a change).
 */
export async function checkAddedUsers<Inputs extends object>(
  provider: object,
  resource: string,
  property: string,
  checked: pulumi.dynamic.CheckResult<Inputs>,
  users: () => readonly UserToVerify[],
): Promise<pulumi.dynamic.CheckResult<Inputs>> {
  if (checked.failures !== undefined && checked.failures.length > 0) return checked;
  const { failures, verified } = await verifyUsers(provider, resource, property, users());
  if (failures.length > 0) return { inputs: checked.inputs, failures };
  return verified.length > 0 ? { inputs: { ...(checked.inputs as Inputs), verifiedUsers: verified }, failures: [] } : checked;
}
