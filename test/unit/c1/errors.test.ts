import { describe, expect, it } from "vitest";
import { C1ApiError, C1InvalidResponseError } from "../../../src/provider/errors";
import { toPrintableText } from "../../../src/provider/util/printable-text";

const ESC = "\u001b";

describe("printable text", () => {
  const cases: Array<[label: string, text: string, printable: string]> = [
    ["plain text, unchanged", "owner u-alice already exists", "owner u-alice already exists"],
    ["letters and emoji beyond ASCII, unchanged", "Zoë 🔑 管理者", "Zoë 🔑 管理者"],
    ["a colour", `${ESC}[31mdenied${ESC}[0m`, "denied"],
    ["a cursor move that would overwrite the line", `ok${ESC}[2K${ESC}[1Gfake`, "okfake"],
    ["a window title (OSC ended by BEL)", `${ESC}]0;pwned\u0007text`, "text"],
    ["a hyperlink (OSC ended by ST)", `${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`, "link"],
    ["a terminal reset (a short escape)", `${ESC}cclear`, "clear"],
    ["an 8-bit CSI", "\u009b31mred", "red"],
    ["newlines and tabs, as spaces", "line 1\nline 2\r\n\tend", "line 1 line 2   end"],
    ["a bell and a NUL, as spaces", "a\u0007b\u0000c", "a b c"],
    ["a right-to-left override", "txt.\u202eexe", "txt.exe"],
    ["a lone surrogate, as U+FFFD", "a\ud800b", "a\ufffdb"],
  ];

  it.each(cases)("handles %s", (_label, text, printable) => {
    expect(toPrintableText(text)).toBe(printable);
  });
});

describe("errors built from what C1 sent", () => {
  it("strip escape and control characters from C1's message and status text", () => {
    const error = new C1ApiError(
      { method: "GET", path: "/api/v2/x" },
      { status: 400, statusText: `Bad${ESC}[8m Request`, apiMessage: `${ESC}[2J${ESC}[Hall good\nreally`, attempts: 1 },
    );
    expect(error.message).toBe("C1 API GET /api/v2/x failed: 400 Bad Request: all good really");
    expect(error.apiMessage).toBe("all good really");
    expect(error.statusText).toBe("Bad Request");
  });

  it("strip them from any message, so no error can carry a terminal escape", () => {
    const error = new C1InvalidResponseError({ method: "GET", path: "/p" }, 200, `the body is not JSON (text/html${ESC}]0;x\u0007)`);
    expect(error.message).toBe("C1 API GET /p returned an invalid response (200): the body is not JSON (text/html)");
  });
});
