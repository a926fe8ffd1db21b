/**
 * From Terraform: takes over the `conductorone_connector_owner_user` resources of a Terraform
 * configuration without touching C1. It reads `terraform show -json` (the state as JSON), declares
 * a ConnectorUserOwner with the same four keys for each of those resources, and `pulumi up` adopts
 * them: C1 answers that each owner already exists and the provider records it, with a warning.
 * After the up, `terraform state rm` (printed as the `terraformStateRm` output) makes Terraform
 * forget them, so it never deletes what Pulumi now manages.
 *
 *   terraform show -json > terraform-show.json     # in the Terraform working directory
 *   pulumi config set terraformShowJson ../path/to/terraform-show.json
 *   pulumi up                                      # "adopting it into the stack" once per owner
 *   $(pulumi stack output terraformStateRm)        # or run the printed command by hand
 *
 * Without config, it reads the sample terraform-show.json next to this file (owners of the
 * emulator's demo directory).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
// As in your own project. In this repo, `npm run pulumi` builds provider/ into node_modules first.
import { ConnectorUserOwner, formatOwnerId, parseOwnerId, type OwnerKey } from "pulumi-conductorone-owners";

const TERRAFORM_TYPE = "conductorone_connector_owner_user";

/** The parts of `terraform show -json` this program reads. */
interface TerraformModule {
  resources?: Array<{ address: string; mode: string; type: string; values?: Record<string, unknown> }>;
  child_modules?: TerraformModule[];
}

/** One Terraform owner: its address in the Terraform state and its key. */
interface TerraformOwner {
  address: string;
  /** Terraform's import id for it, which `ConnectorUserOwner.get` accepts as well. */
  importId: string;
  key: OwnerKey;
}

/** Every managed conductorone_connector_owner_user in the module tree, in state order. */
function findTerraformOwners(module: TerraformModule | undefined): TerraformOwner[] {
  if (!module) return [];
  const own = (module.resources ?? [])
    .filter((resource) => resource.mode === "managed" && resource.type === TERRAFORM_TYPE)
    .map((resource) => {
      const values = resource.values ?? {};
      const userRef = values.user_ref as { id?: unknown } | undefined;
      // The Terraform import id: the same JSON `terraform import` takes.
      const importId = JSON.stringify({
        app_id: values.app_id,
        connector_id: values.connector_id,
        role_slug: values.role_slug,
        user_ref_id: values.user_ref_id ?? userRef?.id,
      });
      // parseOwnerId checks every key the way the provider does, and names the one that is wrong.
      return { address: resource.address, importId, key: parseOwnerId(importId) };
    });
  return [...own, ...(module.child_modules ?? []).flatMap(findTerraformOwners)];
}

const config = new pulumi.Config();
const showJsonPath = path.resolve(config.get("terraformShowJson") ?? path.join(__dirname, "terraform-show.json"));
const show = JSON.parse(readFileSync(showJsonPath, "utf8")) as { values?: { root_module?: TerraformModule } };
const terraformOwners = findTerraformOwners(show.values?.root_module);
if (terraformOwners.length === 0) throw new pulumi.RunError(`no ${TERRAFORM_TYPE} resources in ${showJsonPath}`);

// Named after the keys, like the root stack's owners: stable whatever Terraform called them.
const owners = terraformOwners.map(({ address, importId, key }) => {
  const name = formatOwnerId(key);
  return { address, importId, name, resource: new ConnectorUserOwner(name, key) };
});

/** Each Terraform address, the Pulumi resource that took it over, and the owner's email in C1. */
export const moved = owners.map(({ address, importId, name, resource }) => ({
  terraformAddress: address,
  terraformImportId: importId,
  pulumiName: name,
  email: resource.user.apply((user) => user?.email ?? null),
}));

/** Run after `pulumi up` succeeded: Terraform forgets the owners, C1 keeps them. */
export const terraformStateRm = `terraform state rm ${terraformOwners.map(({ address }) => `'${address}'`).join(" ")}`;

/** The same owners as an ownership document, for the root stack's Pulumi.<stack>.yaml instead. */
export const ownershipDocument = terraformOwners.reduce<Record<string, Record<string, Record<string, string[]>>>>((document, { key }) => {
  (((document[key.appId] ??= {})[key.connectorId] ??= {})[key.roleSlug] ??= []).push(key.userId);
  return document;
}, {});
