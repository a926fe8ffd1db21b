/**
 * Loads a serialized provider the way Pulumi's dynamic provider process does (compile the text
 * as a module, call `handler()`), then runs check/create/read/delete with settings from the
 * environment. Plain JS and a fresh process: nothing of the test's own module graph is reused.
 * Usage: node run-serialized-provider.js FILE
 */
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

async function main() {
  const file = process.argv[2];
  const loaded = new Module(file, module);
  loaded.filename = file;
  loaded.paths = Module._nodeModulePaths(path.dirname(file));
  loaded._compile(fs.readFileSync(file, "utf8"), file);
  const provider = loaded.exports.handler();
  const key = { appId: "app-payroll", connectorId: "conn-workday", roleSlug: "owner", userId: "u-carol" };
  const checked = await provider.check({}, { ...key, roleSlug: "bad/slug" });
  const created = await provider.create(key);
  const read = await provider.read(created.id);
  await provider.delete(created.id, created.outs);
  const gone = await provider.read(created.id);
  let error;
  try {
    await provider.create({ ...key, userId: "u-nobody" });
  } catch (e) {
    error = { name: e.name, code: e.code, message: e.message };
  }
  process.stdout.write(JSON.stringify({ failures: checked.failures, created, read, goneId: gone.id ?? null, error }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
