/**
 * The ownership program: reads the ownership document from stack config (`<project>:owners` in
 * Pulumi.<stack>.yaml, see document.ts), checks all of it before declaring anything, and declares
 * one ConnectorUserOwners per role, named after its keys (`app/connector/role`). The role is the
 * document's unit, so a tenant of 2,000 owners over 700 roles is 700 engine resources, and a
 * refresh reads each role with one list request per page. A role marked `exclusive: true` is the
 * whole truth (owners added in C1 outside the document are drift, and removed); any other role
 * manages only the users it lists and leaves other owners alone.
 *
 * A function, not a component: the resources stay at the stack's root, so their URNs are the ones
 * the program written inline made, and a stack moving to this function previews with no changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwners } from "../provider/resources/connector-user-owners";
import { OWNERSHIP_DOCUMENT_KEY, OwnershipDocumentError, readOwnershipDocument, roleResourceName, summarizeOwnership, type OwnershipSummary } from "./document";

/** Where {@link declareOwnership} reads the document. */
export interface OwnershipOptions {
  /**
   * The document itself, instead of reading it from stack config (for tests, or a program that
   * builds it). Checked the same way.
   */
  document?: unknown;
  /** The config key within the project's namespace. @default "owners" */
  configKey?: string;
  /** Options for every ConnectorUserOwners, e.g. an explicit `provider` or `protect`. Never `parent`: it would change every URN. */
  resourceOptions?: Omit<pulumi.CustomResourceOptions, "parent" | "aliases">;
}

/** What the program declared, and the stack outputs it exports. */
export interface DeclaredOwnership {
  /** What is owned, as C1 reports it: app -> connector -> role -> the managed owners' emails (or user ids). */
  ownership: pulumi.Output<OwnershipSummary>;
  /** How many owners the stack manages. */
  ownerCount: pulumi.Output<number>;
  /** One resource per role, by `app/connector/role`. */
  roles: ReadonlyMap<string, ConnectorUserOwners>;
}

interface OwnedRow {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
  email?: string;
}

function readDocument(options: OwnershipOptions) {
  const key = options.configKey ?? OWNERSHIP_DOCUMENT_KEY;
  const document = "document" in options ? options.document : new pulumi.Config().getObject<unknown>(key);
  try {
    return readOwnershipDocument(document, key);
  } catch (error) {
    // A RunError ends the program with just this message (no stack trace). Nothing has been
    // declared yet, so the engine changes nothing: no owner is created or deleted.
    if (error instanceof OwnershipDocumentError) throw new pulumi.RunError(`${error.message}\nNothing was changed in C1.`);
    throw error;
  }
}

/**
 * Declares the stack's connector ownership from its document. A whole program:
 *
 * ```ts
 * import { declareOwnership } from "pulumi-conductorone-owners/ownership";
 * export const { ownership, ownerCount } = declareOwnership();
 * ```
 */
export function declareOwnership(options: OwnershipOptions = {}): DeclaredOwnership {
  const roles = new Map<string, ConnectorUserOwners>();
  for (const { appId, connectorId, roleSlug, userIds, exclusive, usersPath } of readDocument(options)) {
    const name = roleResourceName({ appId, connectorId, roleSlug });
    roles.set(name, new ConnectorUserOwners(name, { appId, connectorId, roleSlug, userIds, exclusive, documentPath: usersPath }, options.resourceOptions));
  }
  const rows = [...roles.values()].map((role) =>
    pulumi
      .all([role.appId, role.connectorId, role.roleSlug, role.owners])
      .apply(([appId, connectorId, roleSlug, members]): OwnedRow[] =>
        members.map((member) => ({ appId, connectorId, roleSlug, userId: member.userId, email: member.user?.email })),
      ),
  );
  const owned = pulumi.all(rows).apply((perRole) => perRole.flat());
  return {
    ownership: owned.apply(summarizeOwnership),
    ownerCount: owned.apply((all) => all.length),
    roles,
  };
}
