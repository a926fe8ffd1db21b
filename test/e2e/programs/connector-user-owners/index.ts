/**
 * Declares ConnectorUserOwners sets from stack config, for the end-to-end tests.
 *   sets:    JSON list of {name, appId, connectorId, roleSlug, userIds}
 *   singles: optional JSON list of {name, appId, connectorId, roleSlug, userId} (to provoke a conflict)
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectorUserOwner, ConnectorUserOwners } from "pulumi-conductorone-owners";

interface DeclaredSet {
  name: string;
  appId: string;
  connectorId: string;
  roleSlug: string;
  userIds: string[];
}

const config = new pulumi.Config();
const sets = config.requireObject<DeclaredSet[]>("sets").map(({ name, ...args }) => new ConnectorUserOwners(name, args));
for (const { name, ...args } of config.getObject<Array<{ name: string; appId: string; connectorId: string; roleSlug: string; userId: string }>>("singles") ??
  []) {
  new ConnectorUserOwner(name, args);
}

export const owners = pulumi
  .all(sets.map((set) => pulumi.all([set.roleSlug, set.owners])))
  .apply((pairs) => pairs.map(([role, members]) => `${role}: ${members.map((member) => member.user?.email ?? member.userId).join(", ")}`));
