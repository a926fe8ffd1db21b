/**
 * The examples, run with the real Pulumi CLI against the emulator so none of them can rot:
 *   - gitops: the pulumi commands the template's workflows run (preview on a pull request, up on merge, the
 *     scheduled drift check), on the root stack, authenticated the way the workflows do it: their
 *     own OIDC step fetches a token from a stand-in for GitHub's token endpoint, and the provider
 *     exchanges it with C1 (no client secret anywhere);
 *   - lookup: `ConnectorUserOwner.get` by both id forms;
 *   - from-terraform: adopting the owners of a Terraform state.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { C1Emulator } from "../../src/emulator";
import { loadWorkflows, oidcTokenStep, TEMPLATE_DIR, pulumiCommandsOf, workflowNamed, type Workflow, type WorkflowCommand } from "../support/gitops-workflows";
import { findLeak, startTestEmulator } from "../support/provider-fixture";
import { readDemoDocument, ROOT_STACK_DIR, writeOwnershipDocument } from "../support/root-stack";
import { E2eStack, emulatorStackConfig, runProcess, startEmulatorStack, type ProcessResult } from "./harness";

const STEP_TIMEOUT = 180_000;
const examplesDir = path.resolve(__dirname, "../../examples");

const key = (appId: string, connectorId: string, roleSlug: string, userId: string) => ({ appId, connectorId, roleSlug, userId });
const sortKeys = (keys: object[]) => keys.map((entry) => JSON.stringify(entry)).sort();
const apiWrites = (emulator: C1Emulator, since = 0) =>
  emulator.requests
    .slice(since)
    .filter((entry) => entry.kind === "api" && entry.method !== "GET")
    .map((entry) => `${entry.method} ${entry.status}`);

/** Our environment without any C1 credential, so only what a test passes on can authenticate. */
function envWithoutC1Credentials(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CONDUCTORONE_")));
}

/**
 * A stand-in for GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): answers a request
 * with the right bearer token with `{"value": <token>}`, where the token is one the emulator
 * will exchange for the client, and records the audience asked for.
 */
class GitHubOidcEndpoint {
  readonly requestToken = `gh-request-${randomBytes(8).toString("hex")}`;
  readonly audiences: string[] = [];
  readonly issued: string[] = [];
  private server: Server | undefined;
  url = "";

  constructor(private readonly mint: () => string) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.headers.authorization !== `Bearer ${this.requestToken}` || url.searchParams.get("api-version") !== "2.0") {
        res.writeHead(401).end();
        return;
      }
      this.audiences.push(url.searchParams.get("audience") ?? "");
      const value = this.mint();
      this.issued.push(value);
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ count: value.length, value }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    // GitHub's URL carries a query string already; the workflow must add the audience to it.
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/_apis/token?api-version=2.0`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("the gitops workflows' pulumi commands on the root stack", () => {
  const workflows = loadWorkflows();
  const commandOf = (file: string): WorkflowCommand => {
    const [command, ...more] = pulumiCommandsOf(workflowNamed(workflows, file));
    expect(more, `${file} runs more than one pulumi command`).toEqual([]);
    return command!;
  };

  let emulator: C1Emulator;
  let clientId: string;
  let github: GitHubOidcEndpoint;
  let e2e: E2eStack;
  let scratch: string;
  const outputs: string[] = [];

  /**
   * Runs the job's "Get an OIDC token for C1" step as GitHub would; returns its outputs, which the
   * steps that run pulumi take as env vars of the same names (test/templates/workflows.test.ts checks that).
   */
  async function runOidcStep(workflow: Workflow): Promise<Record<string, string>> {
    const [job] = Object.values(workflow.jobs);
    const githubOutput = path.join(scratch, `github-output-${randomBytes(4).toString("hex")}`);
    await writeFile(githubOutput, "");
    const result = await runProcess("bash", ["--noprofile", "--norc", "-eo", "pipefail"], {
      cwd: ROOT_STACK_DIR,
      input: oidcTokenStep(job!).run,
      env: {
        PATH: process.env.PATH,
        CONDUCTORONE_CLIENT_ID: clientId,
        ACTIONS_ID_TOKEN_REQUEST_URL: github.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken,
        GITHUB_OUTPUT: githubOutput,
      },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = (await readFile(githubOutput, "utf8")).split("\n").filter(Boolean);
    return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
  }

  /** Runs one workflow's pulumi command on the e2e stack, with the env its job would have. */
  async function runWorkflow(file: string): Promise<ProcessResult> {
    const workflow = workflowNamed(workflows, file);
    const command = commandOf(file);
    expect(command.stack).toBe("prod"); // the stack the workflows are written for; here, the e2e stack
    const jobEnv = await runOidcStep(workflow);
    // The workflows' paths (the policy pack and its config) are relative to the ownership repository.
    const args = command.args.map((arg, index) => (/^--policy-pack(-config)?$/.test(command.args[index - 1] ?? "") ? path.resolve(TEMPLATE_DIR, arg) : arg));
    const result = await runProcess("pulumi", [...args, "--stack", e2e.stackName, "--non-interactive", "--color", "never"], {
      cwd: ROOT_STACK_DIR,
      env: { ...envWithoutC1Credentials(), ...e2e.env, CONDUCTORONE_CLIENT_ID: clientId, ...jobEnv },
    });
    outputs.push(result.stdout, result.stderr);
    return result;
  }

  beforeAll(async () => {
    ({ emulator, clientId } = await startTestEmulator());
    github = new GitHubOidcEndpoint(() => emulator.issueOidcToken(clientId));
    await github.listen();
    scratch = await mkdtemp(path.join(tmpdir(), "c1-gitops-"));
    e2e = await E2eStack.create({
      programDir: ROOT_STACK_DIR,
      // Only the server URL: the client id's host is the emulator's made-up tenant. No credential.
      config: emulatorStackConfig(emulator.url),
    });
    await writeOwnershipDocument(e2e, await readDemoDocument());
  });

  afterAll(async () => {
    if (e2e)
      await runProcess("pulumi", ["destroy", "--yes", "--skip-preview", "--stack", e2e.stackName, "--non-interactive"], {
        cwd: ROOT_STACK_DIR,
        env: {
          ...envWithoutC1Credentials(),
          ...e2e.env,
          CONDUCTORONE_CLIENT_ID: clientId,
          ...(await runOidcStep(workflowNamed(workflows, "ownership-deploy.yml"))),
        },
      });
    await e2e?.dispose();
    await github?.close();
    await emulator?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("the OIDC step asks GitHub for a token for the C1 tenant and hands it on as a step output", async () => {
    const env = await runOidcStep(workflowNamed(workflows, "ownership-preview.yml"));
    expect(github.audiences.at(-1)).toBe("emulator.conductor.one"); // the host of the client id
    expect(env).toEqual({ CONDUCTORONE_OIDC_TOKEN: github.issued.at(-1) });
  });

  it(
    "the pull-request preview shows every owner to create and changes nothing in C1",
    async () => {
      const result = await runWorkflow("ownership-preview.yml");
      expect(result.code, result.stderr).toBe(0);
      // One resource per role (5) and the stack; --diff names each user id to be added.
      expect(result.stdout).toMatch(/\+ 6 to create/);
      expect(result.stdout).toContain("app-payroll/conn-okta/owner");
      expect(result.stdout).toContain('"u-alice"');
      expect(emulator.store.listOwners()).toEqual([]);
      expect(apiWrites(emulator)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "the deploy on merge creates the owners",
    async () => {
      const result = await runWorkflow("ownership-deploy.yml");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/\+ 6 created/);
      expect(emulator.store.listOwners()).toHaveLength(10); // 2 owners in each of the 5 roles
    },
    STEP_TIMEOUT,
  );

  it(
    "the drift check passes while C1 matches the stack",
    async () => {
      const result = await runWorkflow("ownership-drift.yml");
      expect(result.code, result.stdout + result.stderr).toBe(0);
    },
    STEP_TIMEOUT,
  );

  it(
    "the drift check fails when an owner was removed in C1, and names it",
    async () => {
      emulator.store.removeOwner("app-payroll", "conn-okta", "owner", "u-bob");
      const requestsBefore = emulator.requests.length;
      const result = await runWorkflow("ownership-drift.yml");
      expect(result.code).not.toBe(0);
      // The role's resource, and (--diff) the user id that is gone from C1.
      expect(result.stdout + result.stderr).toContain("app-payroll/conn-okta/owner");
      expect(result.stdout + result.stderr).toContain('"u-bob"');
      expect(result.stdout + result.stderr).toMatch(/no changes were expected.* but changes were proposed/i);
      // A check only: C1 is not repaired behind anyone's back.
      expect(apiWrites(emulator, requestsBefore)).toEqual([]);
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(false);
    },
    STEP_TIMEOUT,
  );

  it(
    "the next deploy puts the owner back and the drift check passes again",
    async () => {
      const deploy = await runWorkflow("ownership-deploy.yml");
      expect(deploy.code, deploy.stderr).toBe(0);
      expect(deploy.stdout).toMatch(/~ 1 updated/);
      expect(emulator.store.hasOwner("app-payroll", "conn-okta", "owner", "u-bob")).toBe(true);
      const drift = await runWorkflow("ownership-drift.yml");
      expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    },
    STEP_TIMEOUT * 2,
  );

  it("authenticated every run through GitHub's OIDC token, and no token reached output or state", async () => {
    // One OIDC token per job run, each exchanged by the provider (no client secret was available).
    expect(github.issued.length).toBeGreaterThanOrEqual(7);
    expect(emulator.countRequests({ kind: "token", status: 200 })).toBeGreaterThan(0);
    expect(emulator.countRequests({ kind: "token", status: 400 })).toBe(0);
    const secrets = emulator.sensitiveValues();
    expect(findLeak(outputs.join("\n"), secrets)).toBeUndefined();
    expect(findLeak(await e2e.rawBackendText(), secrets)).toBeUndefined();
  });
});

describe("examples/lookup", () => {
  let emulator: C1Emulator;
  let e2e: E2eStack;

  beforeAll(async () => {
    ({ emulator, e2e } = await startEmulatorStack({ programDir: path.join(examplesDir, "lookup") }));
    emulator.store.addOwner("app-payroll", "conn-okta", "owner", "u-alice");
  });

  afterAll(async () => {
    await e2e?.dispose();
    await emulator?.close();
  });

  it(
    "reads one owner by its id and by its Terraform import id, without changing C1",
    async () => {
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.result).toBe("succeeded");
      expect(result.outputs.owner.value).toEqual({
        appId: "app-payroll",
        connectorId: "conn-okta",
        roleSlug: "owner",
        email: "alice@example.com",
        displayName: "Alice Anders",
        status: "ENABLED",
        ownerSince: expect.any(String),
      });
      expect(result.outputs.byTerraformImportId.value).toEqual({
        id: '{"app_id":"app-payroll","connector_id":"conn-okta","role_slug":"owner","user_ref_id":"u-alice"}',
        appId: "app-payroll",
        connectorId: "conn-okta",
        roleSlug: "owner",
        userId: "u-alice",
        email: "alice@example.com",
      });
      expect(apiWrites(emulator)).toEqual([]);
    },
    STEP_TIMEOUT,
  );

  it(
    "destroy leaves the owner it read in C1",
    async () => {
      const result = await e2e.stack.destroy(e2e.recording());
      expect(result.summary.result).toBe("succeeded");
      expect(emulator.store.listOwners()).toEqual([key("app-payroll", "conn-okta", "owner", "u-alice")]);
      expect(apiWrites(emulator)).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});

describe("examples/from-terraform", () => {
  /** What the sample terraform-show.json holds, as Terraform created it in C1. */
  const terraformOwners = [
    key("app-payroll", "conn-okta", "owner", "u-alice"),
    key("app-payroll", "conn-okta", "admin", "u-carol"),
    key("app-github", "conn-github", "owner", "u-dave"),
  ];
  let emulator: C1Emulator;
  let e2e: E2eStack;

  beforeAll(async () => {
    ({ emulator, e2e } = await startEmulatorStack({ programDir: path.join(examplesDir, "from-terraform") }));
    for (const owner of terraformOwners) emulator.store.addOwner(owner.appId, owner.connectorId, owner.roleSlug, owner.userId);
  });

  afterAll(async () => {
    await e2e?.dispose();
    await emulator?.close();
  });

  it(
    "up adopts every owner of the Terraform state, with a warning each, and changes nothing in C1",
    async () => {
      const result = await e2e.stack.up(e2e.recording());
      expect(result.summary.resourceChanges).toEqual({ create: 4 });
      for (const { appId, connectorId, roleSlug, userId } of terraformOwners) {
        expect(result.stdout + result.stderr).toContain(
          `C1 already had user ${userId} as ${roleSlug} owner of connector ${connectorId} (app ${appId}); adopting it into the stack`,
        );
      }
      // Each create was answered "already exists" and read back: nothing was written.
      expect(apiWrites(emulator)).toEqual(["POST 409", "POST 409", "POST 409"]);
      expect(sortKeys(emulator.store.listOwners())).toEqual(sortKeys(terraformOwners));
    },
    STEP_TIMEOUT,
  );

  it("outputs the terraform state rm command, the mapping and the same owners as a document", async () => {
    const outputs = await e2e.stack.outputs();
    expect(outputs.terraformStateRm.value).toBe(
      "terraform state rm 'conductorone_connector_owner_user.payroll_okta_alice' 'conductorone_connector_owner_user.payroll_okta_carol' " +
        `'module.github.conductorone_connector_owner_user.owner["u-dave"]'`,
    );
    expect(outputs.moved.value[0]).toEqual({
      terraformAddress: "conductorone_connector_owner_user.payroll_okta_alice",
      terraformImportId: '{"app_id":"app-payroll","connector_id":"conn-okta","role_slug":"owner","user_ref_id":"u-alice"}',
      pulumiName: "app-payroll/conn-okta/owner/u-alice",
      email: "alice@example.com",
    });
    expect(outputs.ownershipDocument.value).toEqual({
      "app-payroll": { "conn-okta": { owner: ["u-alice"], admin: ["u-carol"] } },
      "app-github": { "conn-github": { owner: ["u-dave"] } },
    });
  });

  it(
    "a second preview shows no changes",
    async () => {
      const preview = await e2e.stack.preview(e2e.recording());
      expect(preview.changeSummary).toEqual({ same: 4 });
    },
    STEP_TIMEOUT,
  );

  it(
    "destroy then deletes the owners: Pulumi manages them now",
    async () => {
      await e2e.stack.destroy(e2e.recording());
      expect(emulator.store.listOwners()).toEqual([]);
    },
    STEP_TIMEOUT,
  );
});
