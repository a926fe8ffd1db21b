/**
 * The root stack's program: connector ownership as code. It reads the ownership document from
 * stack config (`owners` in Pulumi.<stack>.yaml, see ownership-document.ts), checks all of it
 * before declaring anything, and declares one ConnectorUserOwner per owner, named after its keys,
 * except in roles marked `exclusive: true`: each of those is one ConnectorUserOwners, the whole set.
 *
 * The provider's settings come from stack config (`conductorone:*`) or the CONDUCTORONE_* env vars.
 */
import * as pulumi from "@pulumi/pulumi";
// In your own project: import { ConnectorUserOwner, ConnectorUserOwners } from "pulumi-conductorone-owners";
import { ConnectorUserOwner, ConnectorUserOwners } from "../../provider";
import {
  listDeclaredOwners,
  OWNERSHIP_DOCUMENT_KEY,
  OwnershipDocumentError,
  ownerResourceName,
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

const owners = listDeclaredOwners(roles.filter((role) => !role.exclusive)).map((owner) => {
  const { appId, connectorId, roleSlug, userId } = owner;
  return new ConnectorUserOwner(ownerResourceName(owner), { appId, connectorId, roleSlug, userId });
});

const exclusiveRoles = roles
  .filter((role) => role.exclusive)
  .map(({ appId, connectorId, roleSlug, userIds }) => new ConnectorUserOwners(ownerSetResourceName({ appId, connectorId, roleSlug }), { appId, connectorId, roleSlug, userIds }));

interface OwnedRow {
  appId: string;
  connectorId: string;
  roleSlug: string;
  userId: string;
  email?: string;
}

const singleRows = owners.map((owner) =>
  pulumi.all([owner.appId, owner.connectorId, owner.roleSlug, owner.userId, owner.user]).apply(([appId, connectorId, roleSlug, userId, user]): OwnedRow[] => [
    { appId, connectorId, roleSlug, userId, email: user?.email },
  ]),
);
const setRows = exclusiveRoles.map((set) =>
  pulumi.all([set.appId, set.connectorId, set.roleSlug, set.owners]).apply(([appId, connectorId, roleSlug, members]): OwnedRow[] =>
    members.map((member) => ({ appId, connectorId, roleSlug, userId: member.userId, email: member.user?.email })),
  ),
);

/** What is owned, as C1 reports it: app -> connector -> role -> the owners' emails. */
export const ownership = pulumi.all([...singleRows, ...setRows]).apply((rows) => summarizeOwnership(rows.flat()));

/** How many owners the stack manages. */
export const ownerCount = pulumi.all([...singleRows, ...setRows]).apply((rows) => rows.flat().length);
