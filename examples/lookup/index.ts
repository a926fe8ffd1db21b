/**
 * Lookup: read an owner that already exists in C1 (made in the UI, by Terraform or by another
 * stack) without managing it. `ConnectorUserOwner.get` reads it on every `up`; removing the lookup
 * or destroying this stack never deletes the owner in C1.
 *
 * Both id forms work:
 *   - this provider's id: `appId/connectorId/roleSlug/userId`, each part percent-encoded
 *     (`formatOwnerId` builds it);
 *   - the JSON import id of ConductorOne's Terraform provider:
 *     `{"app_id":"...","connector_id":"...","role_slug":"...","user_ref_id":"..."}`.
 *
 * Config (optional; the defaults are an owner from the emulator's demo directory):
 *   pulumi config set ownerId 'app-payroll/conn-okta/owner/u-alice'
 *   pulumi config set terraformImportId '{"app_id":"app-payroll","connector_id":"conn-okta","role_slug":"owner","user_ref_id":"u-alice"}'
 */
import * as pulumi from "@pulumi/pulumi";
// As in your own project. In this repo, `npm run pulumi` builds provider/ into node_modules first.
import { ConnectorUserOwner } from "pulumi-conductorone-owners";

const config = new pulumi.Config();
const ownerId = config.get("ownerId") ?? "app-payroll/conn-okta/owner/u-alice";
const terraformImportId =
  config.get("terraformImportId") ?? JSON.stringify({ app_id: "app-payroll", connector_id: "conn-okta", role_slug: "owner", user_ref_id: "u-alice" });

const byId = ConnectorUserOwner.get("owner-by-id", ownerId);
const byTerraformId = ConnectorUserOwner.get("owner-by-terraform-id", terraformImportId);

/** What C1 says about the owner read by its id. */
export const owner = pulumi
  .all([byId.appId, byId.connectorId, byId.roleSlug, byId.user, byId.createdAt])
  .apply(([appId, connectorId, roleSlug, user, createdAt]) => ({
    appId,
    connectorId,
    roleSlug,
    email: user?.email ?? null,
    displayName: user?.displayName ?? null,
    status: user?.status ?? null,
    ownerSince: createdAt ?? null,
  }));

/** The same owner, read by its Terraform import id (the resource keeps the id it was given). */
export const byTerraformImportId = pulumi
  .all([byTerraformId.id, byTerraformId.appId, byTerraformId.connectorId, byTerraformId.roleSlug, byTerraformId.userId, byTerraformId.user])
  .apply(([id, appId, connectorId, roleSlug, userId, user]) => ({ id, appId, connectorId, roleSlug, userId, email: user?.email ?? null }));
