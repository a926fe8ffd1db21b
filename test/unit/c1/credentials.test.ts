import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseClientSecret } from "../../../src/provider/c1/credentials";
import { C1SettingsError } from "../../../src/provider/errors";

const PREFIX = "secret-token:conductorone.com:v1:";
/** Stands in for the private key: any message that shows it has leaked the secret. */
const PRIVATE_PART = "TOPSECRETprivatekeymaterial";

const encode = (text: string) => Buffer.from(text).toString("base64url");
const secretOf = (jwk: unknown) => `${PREFIX}${encode(JSON.stringify(jwk))}`;
const ed25519 = { kty: "OKP", crv: "Ed25519", d: PRIVATE_PART, x: "cHVibGljLXBhcnQ" };

describe("client secret parsing", () => {
  it("decodes a C1 client secret into its Ed25519 private key", () => {
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    expect(parseClientSecret(secretOf(jwk))).toEqual({ kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x });
  });

  it("keeps only the key type, curve and key parts of the JWK", () => {
    const key = parseClientSecret(secretOf({ ...ed25519, kid: "key-1", use: "sig", alg: "EdDSA" }));
    expect(key).toStrictEqual({ kty: "OKP", crv: "Ed25519", d: PRIVATE_PART, x: ed25519.x });
  });

  const bad: Array<[label: string, secret: string, problem: string]> = [
    ["an empty value", "", `expected it to start with "${PREFIX}"`],
    ["a bare base64url JWK", encode(JSON.stringify(ed25519)), `expected it to start with "${PREFIX}"`],
    ["another vendor's prefix", `secret-token:example.com:v1:${encode(JSON.stringify(ed25519))}`, `expected it to start with "${PREFIX}"`],
    ["a v2 prefix", `secret-token:conductorone.com:v2:${encode(JSON.stringify(ed25519))}`, `expected it to start with "${PREFIX}"`],
    ["an upper-case prefix", `${PREFIX.toUpperCase()}${encode(JSON.stringify(ed25519))}`, `expected it to start with "${PREFIX}"`],
    ["nothing after the prefix", PREFIX, "the key part is not base64url"],
    ["standard base64 with '+' and '/'", `${PREFIX}${PRIVATE_PART}+/`, "the key part is not base64url"],
    ["base64 padding", `${PREFIX}${PRIVATE_PART}==`, "the key part is not base64url"],
    ["a space inside", `${PREFIX}${PRIVATE_PART} x`, "the key part is not base64url"],
    ["a trailing newline", `${secretOf(ed25519)}\n`, "the key part is not base64url"],
    ["a JWT in place of the key", `${PREFIX}${encode('{"alg":"EdDSA"}')}.${encode(`{"sub":"${PRIVATE_PART}"}`)}`, "the key part is not base64url"],
    ["base64url of plain text", `${PREFIX}${encode(`not json ${PRIVATE_PART}`)}`, "the key part does not decode to JSON"],
    ["base64url of truncated JSON", `${PREFIX}${encode(JSON.stringify(ed25519).slice(0, -2))}`, "the key part does not decode to JSON"],
    ["JSON null", secretOf(null), "the key is not an Ed25519 (OKP) key"],
    ["a JSON string", secretOf(PRIVATE_PART), "the key is not an Ed25519 (OKP) key"],
    ["a JSON array", secretOf([ed25519]), "the key is not an Ed25519 (OKP) key"],
    ["an RSA key", secretOf({ kty: "RSA", n: "AQAB", e: "AQAB", d: PRIVATE_PART }), "the key is not an Ed25519 (OKP) key"],
    ["an EC P-256 key", secretOf({ kty: "EC", crv: "P-256", d: PRIVATE_PART, x: "eA", y: "eQ" }), "the key is not an Ed25519 (OKP) key"],
    ["an X25519 key", secretOf({ ...ed25519, crv: "X25519" }), "the key is not an Ed25519 (OKP) key"],
    ["an Ed448 key", secretOf({ ...ed25519, crv: "Ed448" }), "the key is not an Ed25519 (OKP) key"],
    ["no key type", secretOf({ crv: "Ed25519", d: PRIVATE_PART, x: "eA" }), "the key is not an Ed25519 (OKP) key"],
    ["no curve", secretOf({ kty: "OKP", d: PRIVATE_PART, x: "eA" }), "the key is not an Ed25519 (OKP) key"],
    ["no private part", secretOf({ ...ed25519, d: undefined }), "the key lacks its private (d) or public (x) part"],
    ["no public part", secretOf({ ...ed25519, x: undefined }), "the key lacks its private (d) or public (x) part"],
    ["an empty private part", secretOf({ ...ed25519, d: "" }), "the key lacks its private (d) or public (x) part"],
    ["an empty public part", secretOf({ ...ed25519, x: "" }), "the key lacks its private (d) or public (x) part"],
    ["a private part that is not a string", secretOf({ ...ed25519, d: [PRIVATE_PART] }), "the key lacks its private (d) or public (x) part"],
  ];

  it.each(bad)("refuses %s with a settings error that names the setting and the problem", (_label, secret, problem) => {
    const error = catchError(() => parseClientSecret(secret));
    expect(error).toBeInstanceOf(C1SettingsError);
    expect((error as C1SettingsError).code).toBe("C1_SETTINGS_ERROR");
    expect((error as Error).message).toBe(`conductorone:clientSecret (CONDUCTORONE_CLIENT_SECRET) is not a C1 client secret: ${problem}`);
  });

  it.each(bad)("never echoes any part of %s in the error", (_label, secret) => {
    const error = catchError(() => parseClientSecret(secret)) as Error;
    // The prefix is public and the messages name it; everything after it is the secret.
    const secretPart = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
    for (const text of [String(error), JSON.stringify(error), error.stack ?? ""]) {
      expect(text).not.toContain(PRIVATE_PART);
      if (secretPart.trim() !== "") expect(text).not.toContain(secretPart.trim());
    }
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to throw");
}
