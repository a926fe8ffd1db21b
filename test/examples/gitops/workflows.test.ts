/**
 * The GitHub Actions workflows of examples/gitops: their shape, their permissions, how they
 * authenticate to C1, and the pulumi commands they run (test/e2e/examples.test.ts runs those).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadWorkflows, oidcTokenStep, PULUMI_ACTION, pulumiCommandsOf, workflowNamed, type Workflow } from "../../support/gitops-workflows";

const repo = path.resolve(__dirname, "../../..");
const workflows = loadWorkflows();
const files = workflows.map((workflow) => workflow.file);

const jobsOf = (workflow: Workflow) => Object.values(workflow.jobs);
const stepsOf = (workflow: Workflow) => jobsOf(workflow).flatMap((job) => job.steps);
const pulumiActionSteps = (workflow: Workflow) => stepsOf(workflow).filter((step) => step.uses?.startsWith(`${PULUMI_ACTION}@`));

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

    it("may read the repository and mint GitHub's OIDC token, nothing more than it needs", () => {
      const extra = file === "ownership-preview.yml" ? { "pull-requests": "write" } : {};
      expect(workflow.permissions).toEqual({ contents: "read", "id-token": "write", ...extra });
      for (const job of jobsOf(workflow)) expect(job.permissions).toBeUndefined();
    });

    it("authenticates to C1 with the OIDC token and a client id from a variable, no C1 secret", () => {
      expect(workflow.env?.CONDUCTORONE_CLIENT_ID).toBe("${{ vars.CONDUCTORONE_CLIENT_ID }}");
      const env = JSON.stringify([workflow.env, jobsOf(workflow).map((job) => [job.env, job.steps.map((step) => step.env)])]);
      expect(env).not.toMatch(/CONDUCTORONE_(CLIENT_SECRET|ACCESS_TOKEN)/);
      // The client-secret variant is there, commented out.
      expect(workflow.text).toContain("# CONDUCTORONE_CLIENT_SECRET: ${{ secrets.CONDUCTORONE_CLIENT_SECRET }}");
    });

    it("fetches the OIDC token right before the first pulumi command, with a script bash accepts", () => {
      for (const job of jobsOf(workflow)) {
        const step = oidcTokenStep(job);
        expect(step.shell).toBe("bash");
        expect(step.run).toContain("ACTIONS_ID_TOKEN_REQUEST_URL");
        expect(step.run).toContain("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        expect(step.run).toContain('--data-urlencode "audience=${audience}"');
        expect(step.run).toContain('echo "::add-mask::${token}"');
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

    it("installs dependencies with Node 22 and pins pulumi/actions and the CLI version", () => {
      for (const job of jobsOf(workflow)) {
        const uses = job.steps.map((step) => step.uses ?? `run: ${step.run?.trim().split("\n")[0]}`);
        expect(uses.slice(0, 3)).toEqual(["actions/checkout@v4", "actions/setup-node@v4", "run: npm ci"]);
        expect(job.steps[1]!.with).toEqual({ "node-version": 22, cache: "npm" });
      }
      for (const step of pulumiActionSteps(workflow)) {
        expect(step.uses).toBe(`${PULUMI_ACTION}@v6`);
        expect(step.with?.["pulumi-version-file"]).toBe(".pulumi-version");
      }
      expect(existsSync(path.join(repo, ".pulumi-version"))).toBe(true);
    });
  });

  it("fetch the OIDC token with the same script everywhere", () => {
    const scripts = workflows.flatMap((workflow) => jobsOf(workflow).map((job) => oidcTokenStep(job).run));
    expect(new Set(scripts).size).toBe(1);
  });

  it("preview every pull request to main with a comment on it", () => {
    const workflow = workflowNamed(workflows, "ownership-preview.yml");
    expect(workflow.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(pulumiActionSteps(workflow).map((step) => step.with)).toEqual([
      { command: "preview", "stack-name": "prod", refresh: true, diff: true, "comment-on-pr": true, "pulumi-version-file": ".pulumi-version" },
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
    const report = steps.find((step) => step.run?.includes("scripts/ownership/cli.ts drift"));
    expect(report?.if).toBe("failure()");
    expect(report?.run).toContain('npx ts-node --transpile-only scripts/ownership/cli.ts drift --stack prod --markdown >> "${GITHUB_STEP_SUMMARY}"');
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
      { file: "ownership-preview.yml", command: "preview --refresh --diff", stack: "prod" },
    ]);
  });
});
