import { describe, expect, it } from "vitest";
import { formatOwnerId, parseOwnerId } from "../../../src/provider/model/ids";
import { C1InvalidIdError } from "../../../src/provider/errors";

const key = { appId: "app-1", connectorId: "conn-1", roleSlug: "owner", userId: "u-1" };

describe("owner ids", () => {
  it("joins the four keys in order with '/'", () => {
    expect(formatOwnerId(key)).toBe("app-1/conn-1/owner/u-1");
  });

  it("percent-encodes each key so odd characters survive a round trip", () => {
    const odd = { appId: "app 1+2", connectorId: "c%2F", roleSlug: "rôle?x=1", userId: "u#1&ü" };
    const id = formatOwnerId(odd);
    expect(id.split("/")).toHaveLength(4);
    expect(id).toBe("app%201%2B2/c%252F/r%C3%B4le%3Fx%3D1/u%231%26%C3%BC");
    expect(parseOwnerId(id)).toEqual(odd);
  });

  it("accepts the Terraform provider's JSON import id", () => {
    const id = JSON.stringify({ app_id: "app-1", connector_id: "conn-1", role_slug: "owner", user_ref_id: "u-1" });
    expect(parseOwnerId(id)).toEqual(key);
  });

  const badIds: Array<[label: string, id: string, fragment: string]> = [
    ["too few parts", "app/conn/owner", "has 3 '/'-separated part(s)"],
    ["too many parts", "a/b/c/d/e", "has 5"],
    ["an empty part", "app//owner/u", "connectorId must not be empty"],
    ["broken percent-encoding", "app/conn/owner/%E0%A4%A", "userId is not valid percent-encoding"],
    ["JSON that does not parse", "{not json", "not valid JSON"],
    ["JSON missing a field", '{"app_id":"a","connector_id":"c","role_slug":"r"}', "userId is required"],
    ["JSON with a non-string field", '{"app_id":"a","connector_id":"c","role_slug":"r","user_ref_id":7}', "userId must be a string"],
    ["an empty id", "", "it is empty"],
  ];

  it.each(badIds)("rejects %s with a message naming the problem", (_label, id, fragment) => {
    expect(() => parseOwnerId(id)).toThrow(C1InvalidIdError);
    expect(() => parseOwnerId(id)).toThrow(fragment);
  });
});
