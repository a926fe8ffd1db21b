/**
 * Preloaded into the Node processes of a benchmark run (NODE_OPTIONS=--require) by
 * `--cpu-prof-dir`: CPU-profiles the Pulumi program (@pulumi/pulumi/cmd/run) and the dynamic
 * provider (@pulumi/pulumi/cmd/dynamic-provider) into BENCH_CPU_PROFILE_DIR.
 *
 * Node's own --cpu-prof writes its profile at a normal exit, but the engine ends provider
 * processes with SIGINT to their process group (SIGKILL 5 s later), which ends Node without one.
 * This hook writes the profile in one-second chunks (<role>-<pid>-<n>.cpuprofile), and a last
 * chunk on exit or SIGINT.
 */
"use strict";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
const role = process.argv.some((arg) => /cmd[\\/]dynamic-provider/.test(arg))
  ? "provider"
  : process.argv.some((arg) => /cmd[\\/]run/.test(arg))
    ? "program"
    : undefined;

if (dir && role) {
  const fs = require("node:fs");
  const path = require("node:path");
  const inspector = require("node:inspector");
  const session = new inspector.Session();
  session.connect();
  let chunk = 0;
  // Posts on an in-thread session answer synchronously, so this also works in an exit handler.
  const post = (method, params) => {
    let result;
    session.post(method, params, (error, value) => {
      if (error) throw error;
      result = value;
    });
    return result;
  };
  const flush = () => {
    const { profile } = post("Profiler.stop");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${role}-${process.pid}-${String(chunk++).padStart(3, "0")}.cpuprofile`), JSON.stringify(profile));
    post("Profiler.start");
  };
  post("Profiler.enable");
  post("Profiler.setSamplingInterval", { interval: 500 });
  post("Profiler.start");
  setInterval(flush, 1000).unref();
  process.on("exit", flush);
  process.on("SIGINT", () => process.exit(130));
}
