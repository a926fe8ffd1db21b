import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { findKeyProblem, findOwnerKeyFailures } from "../../../src/provider/model/validation";

const valid = { appId: "app-1", connectorId: "conn-1", roleSlug: "owner", userId: "u-1" };

describe("key validation", () => {
  const bad: Array<[label: string, value: unknown, reason: string]> = [
    ["missing", undefined, "is required"],
    ["a number", 42, "must be a string, got a number"],
    ["null", null, "must be a string, got null"],
    ["an array", ["a"], "must be a string, got an array"],
    ["an object", { id: "a" }, "must be a string, got an object"],
    ["a boolean", true, "must be a string, got a boolean"],
    ["empty", "", "must not be empty"],
    ["only spaces", "   ", "must not be only whitespace"],
    ["a leading space", " u-1", "must not start or end with whitespace"],
    ["a trailing newline", "u-1\n", "must not start or end with whitespace"],
    ["an inner tab", "u\t1", "must not contain control characters"],
    ["a NUL byte", "u\u00001", "must not contain control characters"],
    ["DEL", "u\u007f1", "must not contain control characters"],
    ["a slash", "app/1", "must not contain '/'"],
    ["a dot segment", "..", "must not be '..'"],
    ["a single dot", ".", "must not be '.'"],
    // The README: at most 256 characters.
    ["too long", "x".repeat(257), "must be at most 256 characters, got 257"],
  ];

  it.each(bad)("refuses %s", (_label, value, reason) => {
    expect(findKeyProblem(value)).toContain(reason);
  });

  it.each([
    ["a KSUID", "2Ks7yJtHdNq8xVYp0fLzRk3Qm1a"],
    ["an email-like id", "alice@example.com"],
    ["percent text", "50%off"],
    ["max length", "x".repeat(256)],
    ["unicode", "ünïcødé"],
  ])("accepts %s", (_label, value) => {
    expect(findKeyProblem(value)).toBeUndefined();
  });

  it("names each failing property in its reason", () => {
    const failures = findOwnerKeyFailures({ ...valid, appId: "", roleSlug: "a/b" });
    expect(failures).toEqual([
      { property: "appId", reason: "appId must not be empty" },
      { property: "roleSlug", reason: "roleSlug must not contain '/' (it is one segment of the C1 API path)" },
    ]);
  });

  it("skips values that are unknown during a preview", () => {
    expect(findOwnerKeyFailures({ ...valid, userId: pulumi.runtime.unknownValue })).toEqual([]);
  });
});
