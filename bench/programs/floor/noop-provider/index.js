/**
 * The floor's dynamic provider: does nothing and answers at once. It is a module, installed into
 * the floor program's node_modules by bench/benchmark.ts, so Pulumi serializes it into each
 * resource's state as one require(...), as it serializes the installed ConnectorUserOwner
 * provider module: the floor's state has the same shape and nearly the same size as ours.
 *
 * read reports the resource whose id is in BENCH_FLOOR_GONE (in the provider process's env) as
 * gone, so the floor of "up after one owner drifted" does the same steps: N reads, one create.
 */
"use strict";

const KEYS = ["appId", "connectorId", "roleSlug", "userId"];

exports.check = async (_olds, news) => ({ inputs: news, failures: [] });

exports.diff = async (_id, olds, news) => {
  const replaces = KEYS.filter((key) => olds[key] !== news[key]);
  return replaces.length === 0 ? { changes: false } : { changes: true, replaces, deleteBeforeReplace: false };
};

// The outputs have the shape of a real owner's: the key, createdAt and the user's details.
exports.create = async (inputs) => {
  const local = inputs.userId.replace(/^u-/, "");
  const at = new Date().toISOString();
  const user = {
    id: inputs.userId,
    email: `${local}@example.com`,
    displayName: local,
    username: local,
    status: "ENABLED",
    employmentStatus: "active",
    employmentType: "full_time",
    createdAt: at,
    updatedAt: at,
    emails: [`${local}@example.com`],
    usernames: [local],
    managerIds: [],
    directoryIds: [],
  };
  const key = { appId: inputs.appId, connectorId: inputs.connectorId, roleSlug: inputs.roleSlug, userId: inputs.userId };
  return { id: KEYS.map((name) => encodeURIComponent(inputs[name])).join("/"), outs: { ...key, createdAt: at, user } };
};

exports.read = async (id, props) => {
  if (process.env.BENCH_FLOOR_GONE === id) return {};
  const inputs = { appId: props.appId, connectorId: props.connectorId, roleSlug: props.roleSlug, userId: props.userId };
  return { id, props, inputs };
};

exports.update = async (_id, olds) => ({ outs: olds });

exports.delete = async () => {};
