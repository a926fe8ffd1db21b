import { C1SettingsError } from "../errors";
import { describeSetting } from "./settings";

/** The Ed25519 private key inside a C1 client secret, as a JWK. */
export interface ClientSecretKey {
  kty: "OKP";
  crv: "Ed25519";
  d: string;
  x: string;
}

const SECRET_PREFIX = "secret-token:conductorone.com:v1:";

// Never include the secret, or any part of it, in these messages.
function malformed(problem: string): C1SettingsError {
  return new C1SettingsError(`${describeSetting("clientSecret")} is not a C1 client secret: ${problem}`);
}

/**
 * Decodes a C1 client secret (`secret-token:conductorone.com:v1:` + base64url of an Ed25519
 * private JWK) into its key. Errors name the setting and never echo the secret.
 */
export function parseClientSecret(secret: string): ClientSecretKey {
  if (!secret.startsWith(SECRET_PREFIX)) throw malformed(`expected it to start with "${SECRET_PREFIX}"`);
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw malformed("the key part is not base64url");
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    throw malformed("the key part does not decode to JSON");
  }
  const key = jwk as Partial<ClientSecretKey> | null;
  if (key === null || typeof key !== "object" || key.kty !== "OKP" || key.crv !== "Ed25519") {
    throw malformed("the key is not an Ed25519 (OKP) key");
  }
  if (typeof key.d !== "string" || typeof key.x !== "string" || key.d === "" || key.x === "") {
    throw malformed("the key lacks its private (d) or public (x) part");
  }
  return { kty: "OKP", crv: "Ed25519", d: key.d, x: key.x };
}
