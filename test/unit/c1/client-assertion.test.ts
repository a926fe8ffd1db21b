import { generateKeyPairSync } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createClientAssertion } from "../../../src/provider/c1/client-assertion";
import type { ClientSecretKey } from "../../../src/provider/c1/credentials";

const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
const key = { kty: jwk.kty, crv: jwk.crv, d: jwk.d, x: jwk.x } as ClientSecretKey;
const clientId = "bench-client@acme.conductor.one/pcc";

describe("client assertion", () => {
  it("is an EdDSA JWT for the token host, valid two minutes either side of now", async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await createClientAssertion(clientId, key, "acme.conductor.one", now);
    const publicKey = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, "EdDSA");
    const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, { audience: "acme.conductor.one", issuer: clientId, subject: clientId });
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", typ: "JWT" });
    expect({ iat: payload.iat, nbf: payload.nbf, exp: payload.exp }).toEqual({ iat: now, nbf: now - 120, exp: now + 120 });
  });

  it("carries a random jti, so a token endpoint can refuse a replayed assertion", async () => {
    const assertions = await Promise.all(Array.from({ length: 5 }, () => createClientAssertion(clientId, key, "acme.conductor.one", 1_700_000_000)));
    const ids = assertions.map((assertion) => decodeJwt(assertion).jti);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const nonces = assertions.map((assertion) => decodeProtectedHeader(assertion).nonce);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
