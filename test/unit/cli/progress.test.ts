import { describe, expect, it } from "vitest";
import { progressOn } from "../../../src/cli/progress";

function capture(errIsTTY: boolean) {
  let err = "";
  return { output: { out: () => {}, err: (text: string) => (err += text), errIsTTY }, text: () => err };
}

describe("progress on stderr", () => {
  it("rewrites one line in place on a terminal, and clears it when done", () => {
    const { output, text } = capture(true);
    const progress = progressOn(output);
    progress.update("reading a/b (connector 1 of 2)");
    progress.update("reading c/d (connector 2 of 2)");
    progress.done();
    expect(text()).toBe("\r\x1b[2Kreading a/b (connector 1 of 2)\r\x1b[2Kreading c/d (connector 2 of 2)\r\x1b[2K");
  });

  it("prints nothing when stderr is not a terminal, so logs and pipes stay machine-readable", () => {
    const { output, text } = capture(false);
    const progress = progressOn(output);
    progress.update("reading a/b");
    progress.done();
    expect(text()).toBe("");
  });
});
