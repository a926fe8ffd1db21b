/**
 * The root stack's program: connector ownership as code. It reads the ownership document from
 * stack config (`owners` in Pulumi.<stack>.yaml, see ownership-document.ts), checks all of it
 * before declaring anything, and declares one ConnectorUserOwners per role, named after its keys
 * (`app/connector/role`): the role is the document's unit, so a tenant of 2,000 owners over 700
 * roles is 700 engine resources, and a refresh reads each role with one list request per page.
 * A role marked `exclusive: true` is the whole truth (owners added in C1 outside the document are
 * drift, and removed); any other role manages only the users it lists and leaves other owners alone.
 *
 * The provider's settings come from stack config (`conductorone:*`) or the CONDUCTORONE_* env vars.
 */
import * as pulumi from "@pulumi/pulumi";
// As in your own project. In this repo, `npm run pulumi` builds provider/ into node_modules first.
import { ConnectorUserOwners } from "pulumi-conductorone-owners";
import {
  OWNERSHIP_DOCUMENT_KEY,
  OwnershipDocumentError,
  ownerSetResourceName,
  readOwnershipDocument,
  summarizeOwnership,
  type DeclaredRole,
} from "./ownership-document";

function readDocument(): DeclaredRole[] {
  const document = new pulumi.Config().getObject<unknown>(OWNERSHIP_DOCUMENT_KEY);
  try {
    return readOwnershipDocument(document);
  } catch (error) {
    // A RunError ends the program with just this message (no stack trace). Nothing has been
    // declared yet, so the engine changes nothing: no owner is created or deleted.
    if (error instanceof OwnershipDocumentError) throw new pulumi.RunError(`${error.message}\nNothing was changed in C1.`);
    throw error;
  }
}

const roles = readDocument();

const roleResources = roles.map(
  ({ appId, connectorId, roleSlug, userIds, exclusive }) =>
    new ConnectorUserOwners(ownerSetResourceName({ appId, connectorId, roleSlug }), { appId, connectorId, roleSlug, userIds, exclusive }),
);

interface OwnedRow {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
  email?: string;
}

const rows = roleResources.map((set) =>
  pulumi
    .all([set.appId, set.connectorId, set.roleSlug, set.owners])
    .apply(([appId, connectorId, roleSlug, members]): OwnedRow[] =>
      members.map((member) => ({ appId, connectorId, roleSlug, userId: member.userId, email: member.user?.email })),
    ),
);

/** What is owned, as C1 reports it: app -> connector -> role -> the managed owners' emails. */
export const ownership = pulumi.all(rows).apply((owned) => summarizeOwnership(owned.flat()));

/** How many owners the stack manages. */
export const ownerCount = pulumi.all(rows).apply((owned) => owned.flat().length);
