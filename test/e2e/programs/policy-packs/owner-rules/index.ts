/**
 * The policy pack test/e2e/policy-host.test.ts runs through our language host. It resolves
 * @pulumi/policy and @pulumi/pulumi from the repo's node_modules, like the other in-repo programs.
 *   owner-role-allowed (mandatory): an owner's roleSlug must be one of `allowedRoles`, which
 *     defaults to ["owner"] in the pack's own config schema.
 *   owner-is-a-person (advisory): warns about owners whose userId starts with "svc-", naming the
 *     stack (which the pack learns from the environment the host starts it with).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyPack, type ResourceValidationArgs } from "@pulumi/policy";
import { OWNER_RESOURCE_TYPES } from "pulumi-conductorone-owners/policy";

const OWNER_TYPE = OWNER_RESOURCE_TYPES.ConnectorUserOwner;

/** The owner's name and input of a ConnectorUserOwner, or undefined for any other resource. */
function ownerInput(args: ResourceValidationArgs, key: "roleSlug" | "userId"): string | undefined {
  return args.type === OWNER_TYPE ? String(args.props[key]) : undefined;
}

new PolicyPack("c1-owner-rules", {
  policies: [
    {
      name: "owner-role-allowed",
      description: "Owners may only hold the allowed roles.",
      enforcementLevel: "mandatory",
      configSchema: {
        properties: { allowedRoles: { type: "array", items: { type: "string" }, default: ["owner"] } },
      },
      validateResource: (args, reportViolation) => {
        const role = ownerInput(args, "roleSlug");
        const { allowedRoles } = args.getConfig<{ allowedRoles: string[] }>();
        if (role !== undefined && !allowedRoles.includes(role)) {
          reportViolation(`owner ${args.name} has role "${role}"; allowed roles: ${allowedRoles.join(", ")}`);
        }
      },
    },
    {
      name: "owner-is-a-person",
      description: "Owners should be people, not service accounts.",
      enforcementLevel: "advisory",
      validateResource: (args, reportViolation) => {
        const user = ownerInput(args, "userId");
        if (user?.startsWith("svc-")) {
          reportViolation(`owner ${args.name} is the service account ${user} (stack ${pulumi.getStack()})`);
        }
      },
    },
  ],
});
