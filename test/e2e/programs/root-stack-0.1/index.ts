/**
 * The root stack's program as 0.1 had it (examples/ownership-as-code/index.ts), frozen: the
 * document read from config, one ConnectorUserOwners per role declared inline at the stack's root,
 * named `app/connector/role` by the formula written out below, and the same two outputs.
 * test/e2e/root-stack-migration.test.ts deploys a stack with it, then moves the stack to today's
 * program (stack/index.ts, declareOwnership), which must change nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwners } from "pulumi-conductorone-owners";
import { OWNERSHIP_DOCUMENT_KEY, readOwnershipDocument, summarizeOwnership } from "../../../../src/ownership/document";

const roles = readOwnershipDocument(new pulumi.Config().getObject<unknown>(OWNERSHIP_DOCUMENT_KEY));

const roleResources = roles.map(
  ({ appId, connectorId, roleSlug, userIds, exclusive }) =>
    // 0.1's ownerSetResourceName, as it was.
    new ConnectorUserOwners([appId, connectorId, roleSlug].map(encodeURIComponent).join("/"), { appId, connectorId, roleSlug, userIds, exclusive }),
);

const rows = roleResources.map((set) =>
  pulumi
    .all([set.appId, set.connectorId, set.roleSlug, set.owners])
    .apply(([appId, connectorId, roleSlug, members]) =>
      members.map((member) => ({ appId, connectorId, roleSlug, userId: member.userId, email: member.user?.email })),
    ),
);

export const ownership = pulumi.all(rows).apply((owned) => summarizeOwnership(owned.flat()));
export const ownerCount = pulumi.all(rows).apply((owned) => owned.flat().length);
