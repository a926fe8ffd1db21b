/**
 * Reads connector user owners from C1 and builds a stack's ownership document from exactly
 * what C1 returned (app id -> connector id -> role slug -> user ids, see
 * document.ts). Knows nothing of Pulumi or files.
 */
import type { C1Client } from "../provider/c1/client";
import { C1Error } from "../provider/errors";
import { listUserOwners, userIdOfOwner } from "../provider/c1/owners-api";
import type { OwnerKey } from "../provider/model/owner-key";
import { checkOwnershipDocument, formatProblem } from "./document";
import { compareText } from "../provider/util/compare-text";
import { OwnershipExportError } from "./errors";

/** One connector to export, and the roles to read (every role C1 reports when `roleSlugs` is empty). */
export interface ExportTarget {
  appId: string;
  connectorId: string;
  /** Only these roles; an empty list means every role C1 has owners in. */
  roleSlugs: readonly string[];
}

/** What to export and how each role is written. */
export interface ExportRequest {
  targets: readonly ExportTarget[];
  /** Write every exported role in the long form with `exclusive: true` (nobody else may own it). */
  exclusive: boolean;
}

/** A role as the document writes it: a list of user ids, or the long form. */
export type DocumentRole = string[] | { users: string[]; exclusive: true };

/** The ownership document: app id -> connector id -> role slug -> role. */
export type OwnershipDocument = Record<string, Record<string, Record<string, DocumentRole>>>;

/** Where an export is: the connector being read, how many are done, and the owners read so far. */
export interface ExportProgress {
  target: ExportTarget;
  done: number;
  total: number;
  ownerCount: number;
}

/** The exported document and what could not be put in it. */
export interface ExportResult {
  document: OwnershipDocument;
  /** Owners C1 listed without a user (a deleted user), which the document cannot name. */
  warnings: string[];
  /** How many owners the document holds. */
  ownerCount: number;
  /** The email C1 listed for each exported user id, where it listed one: for the reader, never read back. */
  emails: Record<string, string>;
}

function describeTarget(target: Pick<ExportTarget, "appId" | "connectorId">, roleSlug?: string): string {
  return `${target.appId}/${target.connectorId}${roleSlug === undefined ? "" : ` role ${roleSlug}`}`;
}

/**
 * Lists every owner of the target with the list endpoint, all pages: one listing per requested
 * role, or one listing of every role when none is requested.
 * @returns the owners' keys; `warnings` names owners C1 returned without a user.
 */
export async function listTargetOwners(
  client: C1Client,
  target: ExportTarget,
): Promise<{ owners: OwnerKey[]; warnings: string[]; emails: Map<string, string> }> {
  const owners: OwnerKey[] = [];
  const warnings: string[] = [];
  const emails = new Map<string, string>();
  // An empty roleSlug makes listUserOwners leave the role_slug filter out: every role is listed.
  const listings = target.roleSlugs.length === 0 ? [undefined] : [...new Set(target.roleSlugs)];
  for (const requested of listings) {
    const listed = await listUserOwners(client, { appId: target.appId, connectorId: target.connectorId, roleSlug: requested ?? "" });
    for (const item of listed) {
      const reported = typeof item.roleSlug === "string" && item.roleSlug !== "" ? item.roleSlug : undefined;
      const roleSlug = requested ?? reported;
      if (roleSlug === undefined) {
        throw new OwnershipExportError(`C1 listed an owner of ${describeTarget(target)} without a roleSlug; cannot tell which role it owns`);
      }
      const userId = userIdOfOwner(item);
      if (userId === undefined) {
        warnings.push(`C1 listed an owner of ${describeTarget(target, roleSlug)} with no user (a deleted user?); it is left out`);
        continue;
      }
      owners.push({ appId: target.appId, connectorId: target.connectorId, roleSlug, userId });
      const email = (item.user as { email?: unknown }).email;
      if (typeof email === "string" && email !== "") emails.set(userId, email);
    }
  }
  return { owners, warnings, emails };
}

/**
 * Builds the document from listed owners: keys and user ids sorted, each user once. A role appears
 * when it has an owner, or when it was asked for by name (then as an empty list: the role is
 * declared and, with `exclusive`, must stay empty). Each role takes the document's default form,
 * a list of user ids, or `{users, exclusive: true}` when `exclusive` is set.
 */
export function buildOwnershipDocument(owners: readonly OwnerKey[], request: ExportRequest): OwnershipDocument {
  const users = new Map<string, Map<string, Map<string, Set<string>>>>();
  const roleUsers = (appId: string, connectorId: string, roleSlug: string): Set<string> => {
    const connectors = users.get(appId) ?? users.set(appId, new Map()).get(appId)!;
    const roles = connectors.get(connectorId) ?? connectors.set(connectorId, new Map()).get(connectorId)!;
    return roles.get(roleSlug) ?? roles.set(roleSlug, new Set()).get(roleSlug)!;
  };
  for (const target of request.targets) for (const roleSlug of target.roleSlugs) roleUsers(target.appId, target.connectorId, roleSlug);
  for (const owner of owners) roleUsers(owner.appId, owner.connectorId, owner.roleSlug).add(owner.userId);

  const sortedEntries = <V>(map: Map<string, V>) => [...map.entries()].sort(([a], [b]) => compareText(a, b));
  const document: OwnershipDocument = {};
  for (const [appId, connectors] of sortedEntries(users)) {
    const app: Record<string, Record<string, DocumentRole>> = (document[appId] = {});
    for (const [connectorId, roles] of sortedEntries(connectors)) {
      const connector: Record<string, DocumentRole> = (app[connectorId] = {});
      for (const [roleSlug, userIds] of sortedEntries(roles)) {
        const sorted = [...userIds].sort(compareText);
        connector[roleSlug] = request.exclusive ? { users: sorted, exclusive: true } : sorted;
      }
    }
  }
  return document;
}

/**
 * Reads every target from C1 and returns the document, checked as the program will check it.
 * @throws the C1 client's error (method, path, status; never a credential) when a listing fails,
 *   and OwnershipExportError when C1's answer cannot be written as a document.
 */
export async function exportOwnership(client: C1Client, request: ExportRequest, onProgress?: (progress: ExportProgress) => void): Promise<ExportResult> {
  const owners: OwnerKey[] = [];
  const warnings: string[] = [];
  const emails = new Map<string, string>();
  for (const [index, target] of request.targets.entries()) {
    onProgress?.({ target, done: index, total: request.targets.length, ownerCount: owners.length });
    try {
      const listed = await listTargetOwners(client, target);
      owners.push(...listed.owners);
      warnings.push(...listed.warnings);
      for (const [userId, email] of listed.emails) emails.set(userId, email);
    } catch (error) {
      if (error instanceof C1Error || (error instanceof Error && error.name.startsWith("C1"))) {
        throw new OwnershipExportError(`could not read the owners of ${describeTarget(target)} from C1: ${error.message}`);
      }
      throw error;
    }
  }
  const document = buildOwnershipDocument(owners, request);
  const check = checkOwnershipDocument(document);
  if (!check.ok) {
    throw new OwnershipExportError(
      `C1 returned owners the ownership document cannot hold:\n${check.problems.map((problem) => `  ${formatProblem(problem)}`).join("\n")}`,
    );
  }
  const ownerCount = check.roles.reduce((count, role) => count + role.userIds.length, 0);
  return { document, warnings, ownerCount, emails: Object.fromEntries([...emails].sort(([a], [b]) => compareText(a, b))) };
}
