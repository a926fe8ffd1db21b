import { C1InvalidIdError } from "../errors";
import { OWNER_KEY_PROPERTIES, OWNER_ROLE_PROPERTIES, type OwnerKey, type OwnerRole } from "./owner-key";
import { findKeyProblem } from "./validation";

// Resource ids are the keys in order, each percent-encoded, joined by '/': reversible whatever
// characters C1 allows in an id. An owner's id has four parts, a set's (one role) three.

/** Builds the Pulumi resource id of an owner: `appId/connectorId/roleSlug/userId`, each part percent-encoded. */
export function formatOwnerId(key: OwnerKey): string {
  return OWNER_KEY_PROPERTIES.map((property) => encodeURIComponent(key[property])).join("/");
}

/** Builds the Pulumi resource id of a ConnectorUserOwners: `appId/connectorId/roleSlug`, each part percent-encoded. */
export function formatConnectorUserOwnersId(role: OwnerRole): string {
  return OWNER_ROLE_PROPERTIES.map((property) => encodeURIComponent(role[property])).join("/");
}

// The Terraform provider's import id names the same four values (user id as user_ref_id).
const TERRAFORM_FIELDS: Record<string, keyof OwnerKey> = {
  app_id: "appId",
  connector_id: "connectorId",
  role_slug: "roleSlug",
  user_ref_id: "userId",
};

const EXPECTED_FORMS =
  'expected "appId/connectorId/roleSlug/userId" (each part percent-encoded) or the Terraform import id ' +
  '{"app_id":"...","connector_id":"...","role_slug":"...","user_ref_id":"..."}';

function invalidId(id: string, problem: string): C1InvalidIdError {
  const shown = id.length > 200 ? `${id.slice(0, 200)}...` : id;
  return new C1InvalidIdError(`invalid ConnectorUserOwner id ${JSON.stringify(shown)}: ${problem}; ${EXPECTED_FORMS}`);
}

function parseTerraformId(id: string): Record<keyof OwnerKey, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(id);
  } catch {
    throw invalidId(id, "it starts with '{' but is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidId(id, "the JSON is not an object");
  }
  const fields = parsed as Record<string, unknown>;
  const key: Partial<Record<keyof OwnerKey, unknown>> = {};
  for (const [field, property] of Object.entries(TERRAFORM_FIELDS)) key[property] = fields[field];
  return key as Record<keyof OwnerKey, unknown>;
}

/** Splits a '/'-joined id into its decoded parts, one per property; `fail` names the problem. */
function decodePathId<P extends string>(id: string, properties: readonly P[], fail: (problem: string) => Error): Record<P, string> {
  const parts = id.split("/");
  if (parts.length !== properties.length) {
    throw fail(`it has ${parts.length} '/'-separated part(s), not ${properties.length}`);
  }
  const decoded: Partial<Record<P, string>> = {};
  properties.forEach((property, index) => {
    try {
      decoded[property] = decodeURIComponent(parts[index]);
    } catch {
      throw fail(`${property} is not valid percent-encoding`);
    }
  });
  return decoded as Record<P, string>;
}

/**
 * Parses an owner id in either form this provider accepts: its own `formatOwnerId` form, or the
 * JSON import id of ConductorOne's Terraform provider (so state can move from Terraform).
 * Every key is validated like `check` validates inputs.
 */
export function parseOwnerId(id: string): OwnerKey {
  if (typeof id !== "string" || id.length === 0) throw invalidId(String(id ?? ""), "it is empty");
  const candidate = id.trimStart().startsWith("{") ? parseTerraformId(id) : decodePathId(id, OWNER_KEY_PROPERTIES, (problem) => invalidId(id, problem));
  for (const property of OWNER_KEY_PROPERTIES) {
    const problem = findKeyProblem(candidate[property]);
    if (problem) throw invalidId(id, `${property} ${problem}`);
  }
  return candidate as OwnerKey;
}

/** Parses a ConnectorUserOwners id written by formatConnectorUserOwnersId; every part is validated like an input. */
export function parseConnectorUserOwnersId(id: string): OwnerRole {
  const fail = (problem: string) =>
    new C1InvalidIdError(`invalid ConnectorUserOwners id ${JSON.stringify(id)}: ${problem}; expected "appId/connectorId/roleSlug" (each part percent-encoded)`);
  const role = decodePathId(id, OWNER_ROLE_PROPERTIES, fail);
  for (const property of OWNER_ROLE_PROPERTIES) {
    const problem = findKeyProblem(role[property]);
    if (problem) throw fail(`${property} ${problem}`);
  }
  return role;
}
