/**
 * C1's users, read to know who a change makes an owner: `GET /api/v1/users/{id}`
 * (`{"userView": {"user": User}}`, 404 when there is no such user).
 *
 * One GET per user rather than `POST /api/v1/search/users` with `refs`: a preview adds few users
 * at a time (a pull request), each check asks for its own resource's users as the engine calls
 * it, and a GET needs no batching window to share; the per-process cache (user-directory.ts)
 * keeps it to one lookup per user.
 */
import type { C1Client, JsonObject } from "./client";
import { isNotFound } from "./owners-api";
import { C1InvalidResponseError } from "../errors";

/** What a preview needs to know of a user. */
export interface DirectoryUser {
  id: string;
  email?: string;
  /** C1's user status: ENABLED, DISABLED, DELETED or UNKNOWN. */
  status?: string;
}

/** The API path of one user. */
export function userPath(userId: string): string {
  return `/api/v1/users/${encodeURIComponent(userId)}`;
}

/** Reads one user; undefined when C1 has no such user (404). */
export async function getUser(client: C1Client, userId: string): Promise<DirectoryUser | undefined> {
  const path = userPath(userId);
  let body: JsonObject;
  try {
    body = await client.call("GET", path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const user = (body.userView as { user?: unknown } | undefined)?.user;
  if (user === null || typeof user !== "object" || Array.isArray(user))
    throw new C1InvalidResponseError({ method: "GET", path }, 200, "the body has no userView.user object");
  const { email, status } = user as { email?: unknown; status?: unknown };
  return {
    id: userId,
    ...(typeof email === "string" && email !== "" ? { email } : {}),
    ...(typeof status === "string" && status !== "" ? { status } : {}),
  };
}
