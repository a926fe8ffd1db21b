/**
 * `npm run bench:peer-terraform`: the same ownership document managed two ways, turn about, each
 * against its own instance of the project's C1 emulator, and the table of the two:
 *
 * - Terraform with ConductorOne's own provider (`conductorone/conductorone`, resource
 *   `conductorone_connector_owner_user`, one resource per owner), a local state file;
 * - this project's root stack (stack/index.ts: `declareOwnership()`, one `ConnectorUserOwners` per
 *   role) with its own tsconfig.json and Pulumi.yaml, as a repository made from the template runs
 *   it, with the pinned Pulumi CLI on a temporary file backend.
 *
 *   TF_PROVIDER_DIR=<folder with terraform-provider-conductorone> npm run bench:peer-terraform -- --owners 100,1000,2000 --rounds 3,1
 *
 * ConductorOne's provider is not on the registries this project uses: build it from its
 * repository (github.com/conductorone/terraform-provider-conductorone, which vendors its
 * dependencies) with `go build -mod=vendor -o <folder>/terraform-provider-conductorone .` and
 * point TF_PROVIDER_DIR at that folder. Terraform loads it through `dev_overrides` (no `init`, no
 * registry). `terraform` must be on PATH (TF_BIN names another binary, e.g. OpenTofu's `tofu`).
 *
 * The Terraform provider speaks only HTTPS (it forces https:// on its server URL and token URL),
 * so its emulator instance is served over TLS (HTTP/2 with HTTP/1.1 fallback) with a throwaway
 * self-signed certificate for 127.0.0.1 that it trusts through SSL_CERT_FILE; the Pulumi side
 * talks plain HTTP on loopback. Progress goes to stderr, the Markdown table (medians, the load
 * before and after) to stdout, every sample to the --json file.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { C1Emulator } from "../src/emulator";
import { countRequests, measureConcurrency, type RequestCounts } from "./benchmark";
import { median } from "./report";
import { buildBenchDocument, type BenchDocument } from "./root-document";
import { BenchStack, emulatorProviderConfig, parseChildTimes } from "./stack";

const OPERATIONS = ["create", "refresh-plan", "drift-plan", "drift-apply", "destroy"] as const;
type Operation = (typeof OPERATIONS)[number];

/** Each tool's command per operation. The terraform commands get -input=false -no-color too. */
const TERRAFORM_ARGS: Record<Operation, string[]> = {
  create: ["apply", "-auto-approve"],
  "refresh-plan": ["plan", "-detailed-exitcode"],
  "drift-plan": ["plan", "-detailed-exitcode"],
  "drift-apply": ["apply", "-auto-approve"],
  destroy: ["destroy", "-auto-approve"],
};
const PULUMI_ARGS: Record<Operation, string[]> = {
  create: ["up", "--yes", "--skip-preview"],
  "refresh-plan": ["preview", "--refresh", "--expect-no-changes"],
  "drift-plan": ["preview", "--refresh"],
  "drift-apply": ["up", "--yes", "--skip-preview", "--refresh"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};
/** The exit code each terraform operation must end with (plan -detailed-exitcode: 0 no changes, 2 changes). */
const TERRAFORM_EXIT: Record<Operation, number> = { create: 0, "refresh-plan": 0, "drift-plan": 2, "drift-apply": 0, destroy: 0 };

interface Sample {
  tool: "terraform" | "pulumi";
  size: number;
  roles: number;
  round: number;
  operation: Operation;
  ms: number;
  cpuMs: number;
  requests: RequestCounts;
  /** In-flight API requests: peak. */
  peakInFlight: number;
  /** TLS connections the terraform side opened (0 for pulumi, which uses plain HTTP). */
  tlsConnections: number;
}

interface StateSample {
  tool: "terraform" | "pulumi";
  size: number;
  resources: number;
  stateBytes: number;
}

function formatRequests(r: RequestCounts): string {
  const parts = [
    r.post && `${r.post} POST`,
    r.get && `${r.get} GET`,
    r.delete && `${r.delete} DELETE`,
    r.users && `${r.users} user GET`,
    `${r.token} token`,
  ].filter(Boolean);
  const errors = Object.entries(r.errors).map(([status, n]) => `${n}x${status}`);
  return parts.join(" + ") + (errors.length ? ` (${errors.join(", ")})` : "") + (r.retries ? ` [${r.retries} retries]` : "");
}

interface Run {
  code: number;
  ms: number;
  cpuMs: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under bash, timed (wall) and with the CPU time of its whole process tree. */
function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["-c", '"$@"; s=$?; times >&3; exit $s', "bash", command, ...args], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let times = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (c: Buffer) => (times += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - started;
      child.on("close", () => resolve({ code: code ?? -1, ms, cpuMs: parseChildTimes(times), stdout, stderr }));
    });
  });
}

/** A throwaway self-signed EC certificate for 127.0.0.1 (openssl). */
function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}

/**
 * Serves an emulator over TLS (HTTP/2 with HTTP/1.1 fallback) on 127.0.0.1 with the emulator's own
 * request handler. HTTP/2 requests carry no Host header, only :authority, which the emulator's
 * token endpoint needs for its audience check: it is copied across.
 */
async function serveTls(emulator: C1Emulator, key: string, cert: string): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const handle = (emulator as unknown as { handle(req: unknown, res: unknown): Promise<void> }).handle.bind(emulator);
  const server = createSecureServer({ key, cert, allowHTTP1: true }, (req: Http2ServerRequest, res: Http2ServerResponse) => {
    if (!req.headers.host && typeof req.headers[":authority"] === "string") req.headers.host = req.headers[":authority"];
    void handle(req, res);
  });
  let connections = 0;
  server.on("secureConnection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(resolve, 1000).unref();
      }),
  };
}

/** The Terraform configuration of a document: one conductorone_connector_owner_user per owner. */
function terraformConfig(bench: BenchDocument): { json: string; count: number } {
  const resources: Record<string, unknown> = {};
  let index = 0;
  for (const role of bench.roles) {
    for (const userId of role.userIds) {
      resources[`o${String(index++).padStart(5, "0")}`] = {
        app_id: role.appId,
        connector_id: role.connectorId,
        role_slug: role.roleSlug,
        user_ref_id: userId,
      };
    }
  }
  const config = {
    terraform: { required_providers: { conductorone: { source: "conductorone/conductorone" } } },
    provider: { conductorone: {} },
    resource: { conductorone_connector_owner_user: resources },
  };
  return { json: JSON.stringify(config, null, 1), count: index };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      owners: { type: "string", default: "100" },
      rounds: { type: "string", default: "2" },
      json: { type: "string", default: "peer-results.json" },
      "skip-checkpoints": { type: "boolean", default: false },
    },
  });
  const sizes = values.owners!.split(",").map(Number);
  const roundsList = values.rounds!.split(",").map(Number);
  const terraformBin = process.env.TF_BIN ?? "terraform";
  const providerDir = path.resolve(process.env.TF_PROVIDER_DIR ?? ".");
  if (!existsSync(path.join(providerDir, "terraform-provider-conductorone"))) {
    throw new Error(
      `no terraform-provider-conductorone in TF_PROVIDER_DIR (${providerDir}): build it from github.com/conductorone/terraform-provider-conductorone (go build -mod=vendor) and name its folder`,
    );
  }
  const loadBefore = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const work = mkdtempSync(path.join(tmpdir(), "peer-terraform-"));
  const { key, cert, certFile } = makeCertificate(work);
  const cliConfig = path.join(work, "terraformrc");
  writeFileSync(
    cliConfig,
    `provider_installation {\n  dev_overrides {\n    "conductorone/conductorone" = ${JSON.stringify(providerDir)}\n  }\n  direct {}\n}\n`,
  );

  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const samples: Sample[] = [];
  const states: StateSample[] = [];
  const versions: Record<string, string> = {};
  versions.terraform = execFileSync(terraformBin, ["version"], { env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig } })
    .toString()
    .split("\n")[0];
  versions.pulumi = execFileSync("pulumi", ["version"]).toString().trim();
  versions.node = process.version;

  for (const [sizeIndex, size] of sizes.entries()) {
    const rounds = roundsList[Math.min(sizeIndex, roundsList.length - 1)];
    const bench = buildBenchDocument(size);
    // One emulator per tool, same code and settings, in this process.
    const emuTerraform = new C1Emulator({ seed: false, requestLogLimit: 200_000 });
    const emuPulumi = new C1Emulator({ seed: false, requestLogLimit: 200_000 });
    for (const emu of [emuTerraform, emuPulumi]) {
      for (const { appId, connectorIds } of bench.apps) emu.store.addApp(appId, connectorIds);
      for (const id of bench.userIds) emu.store.addUser({ id });
    }
    await emuPulumi.listen();
    const tls = await serveTls(emuTerraform, key, cert);
    const terraformClient = emuTerraform.createClient("peer-terraform");
    const pulumiClient = emuPulumi.createClient("peer-pulumi");

    // The terraform working directory.
    const tfDir = path.join(work, `tf-${size}`);
    execFileSync("mkdir", ["-p", tfDir]);
    const { json, count } = terraformConfig(bench);
    if (count !== size) throw new Error(`terraform config has ${count} owners, expected ${size}`);
    writeFileSync(path.join(tfDir, "main.tf.json"), json);
    const terraformEnv: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CONDUCTORONE_") && !k.startsWith("TF_") && !/^npm_/i.test(k)) terraformEnv[k] = v;
    Object.assign(terraformEnv, {
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      SSL_CERT_FILE: certFile,
      CONDUCTORONE_SERVER_URL: tls.url,
      CONDUCTORONE_CLIENT_ID: terraformClient.clientId,
      CONDUCTORONE_CLIENT_SECRET: terraformClient.clientSecret,
    });

    // The Pulumi root stack, as the project's benchmark sets it up.
    const backendDir = mkdtempSync(path.join(work, "pulumi-backend-"));
    const configDir = mkdtempSync(path.join(work, "pulumi-config-"));
    const rootProject = (readFileSync("Pulumi.yaml", "utf8").match(/^name:\s*(\S+)/m) ?? [])[1];
    const stack = await BenchStack.create(process.cwd(), backendDir, emulatorProviderConfig(emuPulumi.url, pulumiClient), {
      configDir,
      objectConfig: { [`${rootProject}:owners`]: bench.document },
    });
    // The program compiles as its tsconfig.json says (the template's `noCheck`), not as BenchStack
    // forces for the project's own benchmark: empty, the runner reads the tsconfig ("false" would
    // force type checks).
    const pulumiEnv: Record<string, string> = {
      PULUMI_NODEJS_TRANSPILE_ONLY: "",
      ...(values["skip-checkpoints"] ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
    };
    log(`N=${size}: ${bench.roles.length} roles, ${bench.userIds.length} users; terraform ${tls.url}, pulumi ${emuPulumi.url}`);

    const declared = bench.roles.flatMap((r) => r.userIds.map((userId) => ({ appId: r.appId, connectorId: r.connectorId, roleSlug: r.roleSlug, userId })));
    const held = (emu: C1Emulator) => declared.filter((k) => emu.store.hasOwner(k)).length;

    try {
      for (let round = 1; round <= rounds; round++) {
        for (const operation of OPERATIONS) {
          // terraform
          if (operation === "drift-plan") emuTerraform.store.removeOwner(bench.drifted);
          let seq = emuTerraform.requests.at(-1)?.seq ?? 0;
          const conn0 = tls.connections();
          const t = await timed(terraformBin, [...TERRAFORM_ARGS[operation], "-input=false", "-no-color"], tfDir, terraformEnv);
          let entries = emuTerraform.requests.filter((e) => e.seq > seq);
          if (t.code !== TERRAFORM_EXIT[operation])
            throw new Error(`terraform ${operation} exited ${t.code}:\n${t.stdout.slice(-4000)}\n${t.stderr.slice(-4000)}`);
          if (operation === "drift-plan" && !/Plan: 1 to add, 0 to change, 0 to destroy/.test(t.stdout))
            throw new Error(`terraform drift-plan did not plan 1 add:\n${t.stdout.slice(-3000)}`);
          const terraformHeld = held(emuTerraform);
          const expected = operation === "destroy" ? 0 : operation === "drift-plan" ? size - 1 : size;
          if (terraformHeld !== expected) throw new Error(`after terraform ${operation}: emulator holds ${terraformHeld} owners, expected ${expected}`);
          samples.push({
            tool: "terraform",
            size,
            roles: bench.roles.length,
            round,
            operation,
            ms: Math.round(t.ms),
            cpuMs: t.cpuMs,
            requests: countRequests(entries),
            peakInFlight: measureConcurrency(entries).peak,
            tlsConnections: tls.connections() - conn0,
          });
          if (operation === "create" && round === 1) {
            const stateText = readFileSync(path.join(tfDir, "terraform.tfstate"), "utf8");
            const state = JSON.parse(stateText) as { resources: { instances: unknown[] }[] };
            states.push({ tool: "terraform", size, resources: state.resources.length, stateBytes: statSync(path.join(tfDir, "terraform.tfstate")).size });
          }
          log(
            `N=${size} r${round} ${operation} terraform: ${Math.round(t.ms)} ms, CPU ${t.cpuMs} ms, ${formatRequests(countRequests(entries))}, ${tls.connections() - conn0} TLS conns`,
          );

          // pulumi
          if (operation === "drift-plan") emuPulumi.store.removeOwner(bench.drifted);
          seq = emuPulumi.requests.at(-1)?.seq ?? 0;
          const p = await stack.run(PULUMI_ARGS[operation], pulumiEnv);
          entries = emuPulumi.requests.filter((e) => e.seq > seq);
          if (p.code !== 0) throw new Error(`pulumi ${operation} exited ${p.code}:\n${p.stdout.slice(-4000)}\n${p.stderr.slice(-4000)}`);
          if (operation === "drift-plan" && !/1 to (update|create)/.test(p.stdout))
            throw new Error(`pulumi drift-plan showed no change:\n${p.stdout.slice(-3000)}`);
          const pulumiHeld = held(emuPulumi);
          if (pulumiHeld !== expected) throw new Error(`after pulumi ${operation}: emulator holds ${pulumiHeld} owners, expected ${expected}`);
          samples.push({
            tool: "pulumi",
            size,
            roles: bench.roles.length,
            round,
            operation,
            ms: Math.round(p.ms),
            cpuMs: p.treeCpuMs,
            requests: countRequests(entries),
            peakInFlight: measureConcurrency(entries).peak,
            tlsConnections: 0,
          });
          if (operation === "create" && round === 1) {
            const deployment = await stack.exportDeployment();
            const resources = (deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).length;
            states.push({ tool: "pulumi", size, resources, stateBytes: Buffer.byteLength(JSON.stringify(deployment)) });
          }
          log(`N=${size} r${round} ${operation} pulumi: ${Math.round(p.ms)} ms, CPU ${p.treeCpuMs} ms, ${formatRequests(countRequests(entries))}`);
        }
      }
    } finally {
      await stack.dispose();
      await tls.close();
      await emuTerraform.close();
      await emuPulumi.close();
    }
  }

  // The table: medians per size and operation.
  const loadAfter = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const lines = [
    `${versions.terraform}; pulumi CLI ${versions.pulumi}; node ${versions.node}; checkpoints ${values["skip-checkpoints"] ? "skipped" : "written"}; load ${loadBefore} before, ${loadAfter} after`,
    "",
    "| N | operation | rounds | terraform ms | pulumi ms | pulumi/terraform | target | terraform CPU ms | pulumi CPU ms | terraform requests | pulumi requests |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const size of sizes) {
    for (const operation of OPERATIONS) {
      const t = samples.filter((s) => s.tool === "terraform" && s.size === size && s.operation === operation);
      const p = samples.filter((s) => s.tool === "pulumi" && s.size === size && s.operation === operation);
      if (!t.length || !p.length) continue;
      const tm = median(t.map((s) => s.ms));
      const pm = median(p.map((s) => s.ms));
      lines.push(
        `| ${size} | ${operation} | ${t.length} | ${tm} | ${pm} | ${(pm / tm).toFixed(2)} | ${pm / tm <= (size >= 1000 ? 0.5 : 1) ? "met" : "missed"} (${size >= 1000 ? "0.5" : "1.0"}) | ${median(t.map((s) => s.cpuMs))} | ${median(p.map((s) => s.cpuMs))} | ${formatRequests(t[0].requests)} | ${formatRequests(p[0].requests)} |`,
      );
    }
  }
  lines.push("", "| N | tool | resources | state bytes |", "| --- | --- | --- | --- |");
  for (const s of states) lines.push(`| ${s.size} | ${s.tool} | ${s.resources} | ${s.stateBytes} |`);
  process.stdout.write(lines.join("\n") + "\n");
  writeFileSync(values.json!, JSON.stringify({ versions, samples, states }, null, 1));
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
