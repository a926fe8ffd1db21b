import { C1InvalidIdError } from "./errors";
import { OWNER_KEY_PROPERTIES, OwnerKey } from "./owner-key";
import { findKeyProblem } from "./validation";

/**
 * Builds the Pulumi resource id of an owner: the four keys in order, each percent-encoded,
 * joined by '/'. Encoding keeps the id reversible whatever characters C1 allows in an id.
 */
export function formatOwnerId(key: OwnerKey): string {
  return OWNER_KEY_PROPERTIES.map((property) => encodeURIComponent(key[property])).join("/");
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

function parsePathId(id: string): Record<keyof OwnerKey, unknown> {
  const parts = id.split("/");
  if (parts.length !== OWNER_KEY_PROPERTIES.length) {
    throw invalidId(id, `it has ${parts.length} '/'-separated part(s), not 4`);
  }
  const key: Partial<Record<keyof OwnerKey, unknown>> = {};
  OWNER_KEY_PROPERTIES.forEach((property, index) => {
    try {
      key[property] = decodeURIComponent(parts[index]);
    } catch {
      throw invalidId(id, `${property} is not valid percent-encoding`);
    }
  });
  return key as Record<keyof OwnerKey, unknown>;
}

/**
 * Parses an owner id in either form this provider accepts: its own `formatOwnerId` form, or the
 * JSON import id of ConductorOne's Terraform provider (so state can move from Terraform).
 * Every key is validated like `check` validates inputs.
 */
export function parseOwnerId(id: string): OwnerKey {
  if (typeof id !== "string" || id.length === 0) throw invalidId(String(id ?? ""), "it is empty");
  const candidate = id.trimStart().startsWith("{") ? parseTerraformId(id) : parsePathId(id);
  for (const property of OWNER_KEY_PROPERTIES) {
    const problem = findKeyProblem(candidate[property]);
    if (problem) throw invalidId(id, `${property} ${problem}`);
  }
  return candidate as OwnerKey;
}
