import { randomBytes, randomUUID } from "node:crypto";
import type { ClientSecretKey } from "./credentials";

/** How far either side of now the assertion is valid. C1 rejects an `exp` more than 5 minutes out. */
const ASSERTION_SKEW_SECONDS = 120;

/**
 * Signs the JWT that proves possession of the client secret, as C1's SDKs do: EdDSA, a random hex
 * `nonce` in the header, `iss` = `sub` = client id, `aud` = the token host without port, a
 * validity of two minutes either side of now, and a random `jti` so a server can refuse a replay.
 */
export async function createClientAssertion(
  clientId: string,
  key: ClientSecretKey,
  audience: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<string> {
  // Loaded on first use: the Pulumi program imports this module but never signs (jose: about 15 ms).
  const { importJWK, SignJWT } = await import("jose");
  const signingKey = await importJWK(key, "EdDSA");
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", nonce: randomBytes(16).toString("hex") })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds - ASSERTION_SKEW_SECONDS)
    .setExpirationTime(nowSeconds + ASSERTION_SKEW_SECONDS)
    .sign(signingKey);
}
