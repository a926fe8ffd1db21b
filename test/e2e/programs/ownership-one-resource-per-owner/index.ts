/**
 * The root stack's program as it was up to 0.1.0: one ConnectorUserOwner per owner of the
 * ownership document, named `app/connector/role/user`, and one ConnectorUserOwners per role marked
 * `exclusive: true`. test/e2e/root-stack-migration.test.ts deploys a stack with it, then moves the
 * stack to today's program (examples/ownership-as-code, one resource per role).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner, ConnectorUserOwners } from "pulumi-conductorone-owners";
import { listDeclaredOwners, OWNERSHIP_DOCUMENT_KEY, ownerResourceName, roleResourceName, readOwnershipDocument } from "../../../../src/ownership/document";

const roles = readOwnershipDocument(new pulumi.Config().getObject<unknown>(OWNERSHIP_DOCUMENT_KEY));

for (const owner of listDeclaredOwners(roles.filter((role) => !role.exclusive))) {
  const { appId, connectorId, roleSlug, userId } = owner;
  new ConnectorUserOwner(ownerResourceName(owner), { appId, connectorId, roleSlug, userId });
}
for (const { appId, connectorId, roleSlug, userIds } of roles.filter((role) => role.exclusive)) {
  new ConnectorUserOwners(roleResourceName({ appId, connectorId, roleSlug }), { appId, connectorId, roleSlug, userIds });
}
