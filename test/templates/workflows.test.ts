/**
 * The GitHub Actions workflows of the ownership repository template (templates/ownership-repository/.github/workflows): their shape, their permissions, how they
 * authenticate to C1, and the pulumi commands they run (test/e2e/examples.test.ts runs those).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadWorkflows,
  TEMPLATE_DIR,
  oidcTokenStep,
  PULUMI_ACTION,
  pulumiCommandsOf,
  workflowNamed,
  type Workflow,
  type WorkflowStep,
} from "../support/gitops-workflows";

const repo = path.resolve(__dirname, "../..");
const workflows = loadWorkflows();
const files = workflows.map((workflow) => workflow.file);

const jobsOf = (workflow: Workflow) => Object.values(workflow.jobs);
const stepsOf = (workflow: Workflow) => jobsOf(workflow).flatMap((job) => job.steps);
const pulumiActionSteps = (workflow: Workflow) => stepsOf(workflow).filter((step) => step.uses?.startsWith(`${PULUMI_ACTION}@`));
/** A step that runs pulumi (or the ownership CLI) and so needs C1 and the backend. */
const runsPulumi = (step: WorkflowStep) =>
  (step.uses?.startsWith(`${PULUMI_ACTION}@`) && step.with?.command !== undefined) || /^(pulumi |npx (--no-install )?c1-ownership )/m.test(step.run ?? "");

/** The GitHub environment of each workflow's job: the principal and backend token it may use. */
const ENVIRONMENTS: Record<string, string> = {
  "ownership-deploy.yml": "c1-prod",
  "ownership-drift.yml": "c1-drift",
  "ownership-preview.yml": "c1-preview",
};
const OIDC_STEP_ID = "c1-oidc";
/** `uses: owner/action@<40 hex> # vX.Y.Z`. */
const PINNED_USES = /^\s*(- )?uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;
/** One commit per action, the same in every workflow. */
const PINS: Record<string, string> = {
  "actions/checkout": "11bd71901bbe5b1630ceea73d27597364c9af683",
  "actions/setup-node": "49933ea5288caeca8642d1e84afbd3f7d6820020",
  [PULUMI_ACTION]: "8e5e406f4007fca908480587cb9893c07090f58d",
};

describe("the GitOps workflows", () => {
  it("are the preview, deploy and drift workflows", () => {
    expect(files).toEqual(["ownership-deploy.yml", "ownership-drift.yml", "ownership-preview.yml"]);
  });

  describe.each(files)("%s", (file) => {
    const workflow = workflowNamed(workflows, file);

    it("has a name, triggers and jobs whose steps each either use an action or run a script", () => {
      expect(workflow.name).toEqual(expect.any(String));
      expect(Object.keys(workflow.on ?? {}).length).toBeGreaterThan(0);
      expect(jobsOf(workflow).length).toBeGreaterThan(0);
      for (const job of jobsOf(workflow)) {
        expect(job["runs-on"]).toBe("ubuntu-latest");
        expect(job.steps.length).toBeGreaterThan(0);
        for (const step of job.steps) {
          expect(step.uses === undefined, `step ${JSON.stringify(step)} has both or neither of uses and run`).toBe(step.run !== undefined);
          if (step.run !== undefined) expect(step.run).toEqual(expect.any(String));
        }
      }
    });

    it("asks for no permission as a workflow, and per job only to read, mint GitHub's OIDC token and (previews) comment", () => {
      expect(workflow.permissions).toEqual({});
      const extra = file === "ownership-preview.yml" ? { "pull-requests": "write" } : {};
      for (const job of jobsOf(workflow)) expect(job.permissions).toEqual({ contents: "read", "id-token": "write", ...extra });
    });

    it("runs each job in the GitHub environment that holds its C1 principal", () => {
      expect(jobsOf(workflow).map((job) => job.environment)).toEqual([ENVIRONMENTS[file]]);
    });

    it("authenticates to C1 with the OIDC token and a client id from a variable, no C1 secret", () => {
      for (const step of stepsOf(workflow)) {
        if (step.env?.CONDUCTORONE_CLIENT_ID !== undefined) expect(step.env.CONDUCTORONE_CLIENT_ID).toBe("${{ vars.CONDUCTORONE_CLIENT_ID }}");
      }
      const env = JSON.stringify([workflow.env, jobsOf(workflow).map((job) => [job.env, job.steps.map((step) => step.env)])]);
      expect(env).not.toMatch(/CONDUCTORONE_(CLIENT_SECRET|ACCESS_TOKEN)/);
      // The client-secret variant is there, commented out.
      expect(workflow.text).toContain("# CONDUCTORONE_CLIENT_SECRET: ${{ secrets.CONDUCTORONE_CLIENT_SECRET }}");
    });

    it("gives secrets, the client id and the C1 token only to the steps that use them", () => {
      expect(workflow.env).toBeUndefined();
      for (const job of jobsOf(workflow)) {
        expect(job.env).toBeUndefined();
        const oidc = oidcTokenStep(job);
        expect(oidc.id).toBe(OIDC_STEP_ID);
        expect(Object.keys(oidc.env ?? {})).toEqual(["CONDUCTORONE_CLIENT_ID"]);
        for (const step of job.steps) {
          if (!runsPulumi(step)) {
            if (step !== oidc) expect(step.env, `step ${step.name ?? step.uses ?? step.run}`).toBeUndefined();
            expect(JSON.stringify(step)).not.toContain("secrets.");
            continue;
          }
          expect(step.env).toEqual({
            CONDUCTORONE_CLIENT_ID: "${{ vars.CONDUCTORONE_CLIENT_ID }}",
            CONDUCTORONE_OIDC_TOKEN: `\${{ steps.${OIDC_STEP_ID}.outputs.CONDUCTORONE_OIDC_TOKEN }}`,
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
          });
        }
      }
    });

    it("fetches the OIDC token right before the first pulumi command, with a script bash accepts", () => {
      for (const job of jobsOf(workflow)) {
        const step = oidcTokenStep(job);
        expect(step.shell).toBe("bash");
        expect(step.run).toContain("ACTIONS_ID_TOKEN_REQUEST_URL");
        expect(step.run).toContain('--data-urlencode "audience=${audience}"');
        expect(step.run).toContain('echo "::add-mask::${token}"');
        // An output for the steps that name it, not GITHUB_ENV for every later step.
        expect(step.run).toContain('echo "CONDUCTORONE_OIDC_TOKEN=${token}" >> "${GITHUB_OUTPUT}"');
        expect(step.run).not.toMatch(/>>\s*"?\$\{?GITHUB_ENV/);
        const tokenAt = job.steps.indexOf(step);
        const firstCommandAt = job.steps.findIndex(
          (candidate) => (candidate.uses?.startsWith(`${PULUMI_ACTION}@`) && candidate.with?.command) || candidate.run?.trimStart().startsWith("pulumi "),
        );
        expect(firstCommandAt).toBe(tokenAt + 1);
        const syntax = spawnSync("bash", ["-n"], { input: step.run, encoding: "utf8" });
        expect(syntax.stderr).toBe("");
        expect(syntax.status).toBe(0);
      }
    });

    it("hands GitHub's request token to curl on stdin, never on a command line", () => {
      for (const job of jobsOf(workflow)) {
        const run = oidcTokenStep(job).run!;
        const uses = run.split("\n").filter((line) => line.includes("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
        // printf is a bash builtin: no process gets the token in its argv.
        expect(uses).toEqual([`token="$(printf 'Authorization: Bearer %s\\n' "\${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" |`]);
        expect(run).toContain("curl --fail --silent --show-error --get --header @- \\");
      }
    });

    it("pins every action to a commit SHA, with its release tag in a comment", () => {
      const uses = workflow.text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) expect(line).toMatch(PINNED_USES);
      for (const step of stepsOf(workflow)) if (step.uses) expect(PINS[step.uses.split("@")[0]!], step.uses).toBe(step.uses.split("@")[1]);
    });

    it("checks out without keeping GitHub's token, and installs with Node 22 and no dependency's install scripts", () => {
      for (const job of jobsOf(workflow)) {
        const uses = job.steps.map((step) => step.uses?.split("@")[0] ?? `run: ${step.run?.trim().split("\n")[0]}`);
        expect(uses.slice(0, 3)).toEqual(["actions/checkout", "actions/setup-node", "run: npm ci --ignore-scripts"]);
        expect(job.steps[0]!.with).toEqual({ "persist-credentials": false });
        expect(job.steps[1]!.with).toEqual({ "node-version": 22, cache: "npm" });
        // Nothing else: the package comes built from npm, and no install script runs.
        expect(job.steps[2]!.run).toBe("npm ci --ignore-scripts");
      }
      for (const step of pulumiActionSteps(workflow)) expect(step.with?.["pulumi-version-file"]).toBe(".pulumi-version");
      // The template brings the pin, the same CLI version this package is tested with.
      expect(readFileSync(path.join(TEMPLATE_DIR, ".pulumi-version"), "utf8")).toBe(readFileSync(path.join(repo, ".pulumi-version"), "utf8"));
    });
  });

  it("keep the environment that can write to the deploy job", () => {
    expect(new Set(Object.values(ENVIRONMENTS)).size).toBe(files.length);
    const inProd = workflows.flatMap((workflow) =>
      jobsOf(workflow)
        .filter((job) => job.environment === "c1-prod")
        .map(() => workflow.file),
    );
    expect(inProd).toEqual(["ownership-deploy.yml"]);
  });

  it("are documented with the C1 trust condition of each environment: repository, event, ref and environment", () => {
    const readme = readFileSync(path.join(repo, "docs/gitops.md"), "utf8");
    for (const workflow of workflows) {
      const environment = ENVIRONMENTS[workflow.file]!;
      const condition = readme.split("\n").find((line) => line.includes(`claims.environment == "${environment}"`));
      expect(condition, `no trust condition for ${environment} in examples/gitops/README.md`).toBeDefined();
      expect(condition).toContain("claims.repository_id ==");
      for (const event of Object.keys(workflow.on)) expect(condition).toContain(`"${event}"`);
      expect(condition).toContain(workflow.file === "ownership-preview.yml" ? 'claims.base_ref == "main"' : 'claims.ref == "refs/heads/main"');
    }
  });

  it("fetch the OIDC token with the same script everywhere", () => {
    const scripts = workflows.flatMap((workflow) => jobsOf(workflow).map((job) => oidcTokenStep(job).run));
    expect(new Set(scripts).size).toBe(1);
  });

  it("preview every pull request to main, commenting (owners' emails included) only when the repository opts in", () => {
    const workflow = workflowNamed(workflows, "ownership-preview.yml");
    // pull_request, not pull_request_target: a fork's pull request gets no secret and no OIDC token.
    expect(workflow.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(pulumiActionSteps(workflow).map((step) => step.with)).toEqual([
      {
        command: "preview",
        "stack-name": "prod",
        refresh: true,
        diff: true,
        policyPacks: "policy",
        policyPackConfigs: "policy/config.json",
        "comment-on-pr": "${{ vars.OWNERSHIP_PREVIEW_COMMENT == 'true' }}",
        "pulumi-version-file": ".pulumi-version",
      },
    ]);
  });

  it("deploy on every push to main, one run at a time with the drift check", () => {
    const workflow = workflowNamed(workflows, "ownership-deploy.yml");
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    expect(pulumiActionSteps(workflow).map((step) => step.with?.command)).toEqual(["up"]);
    const drift = workflowNamed(workflows, "ownership-drift.yml");
    const concurrency = (candidate: Workflow) => (candidate as unknown as { concurrency: unknown }).concurrency;
    expect(concurrency(workflow)).toEqual({ group: "ownership-prod", "cancel-in-progress": false });
    expect(concurrency(drift)).toEqual(concurrency(workflow));
  });

  it("check drift on a schedule and on demand, failing the run when C1 differs", () => {
    const workflow = workflowNamed(workflows, "ownership-drift.yml");
    expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const schedule = workflow.on.schedule as Array<{ cron: string }>;
    expect(schedule).toHaveLength(1);
    expect(schedule[0]!.cron.split(" ")).toHaveLength(5);
    const check = stepsOf(workflow).find((step) => step.run?.includes("pulumi refresh"));
    expect(check?.run?.trim()).toBe("pulumi refresh --preview-only --expect-no-changes --diff --stack prod");
    // Nothing may swallow the exit code that reports drift.
    expect(check).not.toHaveProperty("continue-on-error");
    expect(check?.run).not.toMatch(/\|\||; *true|set \+e/);
  });

  it("write the drift report as Markdown into the run's summary when the check fails", () => {
    const workflow = workflowNamed(workflows, "ownership-drift.yml");
    const steps = stepsOf(workflow);
    const report = steps.find((step) => step.run?.includes("c1-ownership drift"));
    expect(report?.if).toBe("failure()");
    expect(report?.run).toContain('npx --no-install c1-ownership drift --stack prod --markdown >> "${GITHUB_STEP_SUMMARY}"');
    // After the check it reports on, before the explanation.
    const check = steps.findIndex((step) => step.run?.includes("pulumi refresh"));
    expect(steps.indexOf(report!)).toBeGreaterThan(check);
    expect(steps.indexOf(report!)).toBeLessThan(steps.findIndex((step) => step.name === "Explain the failure"));
  });

  it("run these pulumi commands, all on the same stack", () => {
    const commands = workflows.flatMap(pulumiCommandsOf).map(({ file, args, stack }) => ({ file, command: args.join(" "), stack }));
    expect(commands).toEqual([
      { file: "ownership-deploy.yml", command: "up --yes --skip-preview --refresh", stack: "prod" },
      { file: "ownership-drift.yml", command: "refresh --preview-only --expect-no-changes --diff", stack: "prod" },
      { file: "ownership-preview.yml", command: "preview --refresh --diff --policy-pack policy --policy-pack-config policy/config.json", stack: "prod" },
    ]);
  });
});
