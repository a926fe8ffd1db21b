/**
 * The creates C1 was sent, per owner, read from the emulator's request log. The emulator's store
 * holds one record per owner key, so an owner created twice can never show up there; the log
 * shows it: two POSTs of one owner that C1 both answered with success mean it was created twice
 * (deleted and created again, or POSTed again to a C1 that answers a duplicate with 200).
 */
import type { RequestLogEntry } from "../../src/emulator";
import { keyString } from "../e2e/harness/checks";

const OWNER_PATH = /^\/api\/v2\/apps\/([^/]+)\/connectors\/([^/]+)\/owners\/users\/([^/]+)\/([^/]+)$/;

/** The owner an API path names, as a {@link keyString}; undefined for any other path. */
export function ownerKeyOfPath(path: string): string | undefined {
  const match = OWNER_PATH.exec(path);
  if (!match) return undefined;
  const [appId, connectorId, roleSlug, userId] = match.slice(1).map(decodeURIComponent);
  return keyString({ appId, connectorId, roleSlug, userId });
}

/** The statuses C1 answered each owner's POSTs with, in order, by key string (0: no answer sent). */
export function postStatusesPerOwner(entries: RequestLogEntry[]): Map<string, number[]> {
  const statuses = new Map<string, number[]>();
  for (const entry of entries) {
    const key = entry.kind === "api" && entry.method === "POST" ? ownerKeyOfPath(entry.path) : undefined;
    if (key !== undefined) statuses.set(key, [...(statuses.get(key) ?? []), entry.status]);
  }
  return statuses;
}

/** How many of each owner's POSTs C1 answered with a 2xx, by key string; owners with none are left out. */
export function successfulPostsPerOwner(entries: RequestLogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [key, statuses] of postStatusesPerOwner(entries)) {
    const successes = statuses.filter((status) => status >= 200 && status < 300).length;
    if (successes > 0) counts.set(key, successes);
  }
  return counts;
}

/** The owners with more than one successful POST in `entries`: each one C1 created twice. */
export function ownersCreatedTwice(entries: RequestLogEntry[]): string[] {
  return [...successfulPostsPerOwner(entries)].filter(([, count]) => count > 1).map(([key]) => key);
}
