/**
 * Quickstart: who owns the payroll app's Okta connector in ConductorOne, as code.
 *
 * The provider reads its settings from stack config (or the CONDUCTORONE_* env vars):
 *   pulumi config set conductorone:serverUrl https://acme.conductor.one
 *   pulumi config set conductorone:clientId 'name-123@acme.conductor.one/pcc'
 *   pulumi config set --secret conductorone:clientSecret   # reads the secret from stdin
 *
 * `npm run demo` runs this program against the local C1 emulator, whose demo directory holds
 * these app, connector and user ids.
 */
import * as pulumi from "@pulumi/pulumi";
// As in your own project. In this repo, `npm run pulumi` builds provider/ into node_modules first.
import { ConnectorUserOwner, formatOwnerId } from "pulumi-conductorone-owners";

const payrollOkta = { appId: "app-payroll", connectorId: "conn-okta" };

/** C1 user ids per ownership role on the connector. */
const userIdsByRole: Record<string, string[]> = {
  owner: ["u-alice", "u-bob"],
  admin: ["u-carol"],
};

const owners = Object.entries(userIdsByRole).flatMap(([roleSlug, userIds]) =>
  userIds.map((userId) => {
    const key = { ...payrollOkta, roleSlug, userId };
    // Naming each resource after its C1 id ("app-payroll/conn-okta/owner/u-alice") keeps names
    // unique and readable in previews, and is the id `pulumi import` takes for the same owner.
    return new ConnectorUserOwner(formatOwnerId(key), key);
  }),
);

/** The owners' emails per role, as C1 reports them, e.g. { owner: ["alice@example.com", ...] }. */
export const emailsByRole = pulumi.all(owners.map((owner) => pulumi.all([owner.roleSlug, owner.user]))).apply((pairs) => {
  const byRole: Record<string, string[]> = {};
  for (const [role, user] of pairs) (byRole[role] ??= []).push(user?.email ?? "(unknown)");
  for (const emails of Object.values(byRole)) emails.sort();
  return byRole;
});

/** The C1 ids of every owner this stack manages. */
export const ownerIds = owners.map((owner) => owner.id);
