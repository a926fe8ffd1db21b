/**
 * Reads the GitHub Actions workflows of the ownership repository template and works out the pulumi commands they
 * run, so the unit tests can check their shape and the end-to-end tests can run exactly those
 * commands against the emulator.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/** Where the example workflows live. */
/** The ownership repository template: the workflows' paths (the policy pack, its config) are relative to it. */
export const TEMPLATE_DIR = path.resolve(__dirname, "../../templates/ownership-repository");
export const WORKFLOW_DIR = path.join(TEMPLATE_DIR, ".github/workflows");

/** One step of a job, as far as these tests look at it. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** One job. */
export interface WorkflowJob {
  name?: string;
  "runs-on": string;
  /** The GitHub environment whose protection rules, variables and secrets the job gets. */
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

/** A parsed workflow file. */
export interface Workflow {
  file: string;
  /** The raw text, for checks of comments. */
  text: string;
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** A pulumi command a workflow runs, as argv without `pulumi` and without `--stack`. */
export interface WorkflowCommand {
  file: string;
  job: string;
  /** The step's name, or what it uses. */
  step: string;
  args: string[];
  /** The stack the command runs on. */
  stack: string;
}

/** Parses every `*.yml` workflow in `dir`, by file name. */
export function loadWorkflows(dir = WORKFLOW_DIR): Workflow[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yml") || file.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), "utf8");
      return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
    });
}

/** The `uses:` of pulumi's official action, without the version. */
export const PULUMI_ACTION = "pulumi/actions";

/**
 * Inputs of pulumi/actions that map onto CLI flags. Inputs listed in PULUMI_ACTION_OTHER_INPUTS
 * change how the action installs, logs in or reports, not what the engine does.
 */
const PULUMI_ACTION_FLAGS: Record<string, string> = {
  refresh: "--refresh",
  diff: "--diff",
  "expect-no-changes": "--expect-no-changes",
};
/** Multiline inputs of pulumi/actions: each line becomes the flag and that line. */
const PULUMI_ACTION_LIST_FLAGS: Record<string, string> = {
  policyPacks: "--policy-pack",
  policyPackConfigs: "--policy-pack-config",
};
const PULUMI_ACTION_OTHER_INPUTS = new Set([
  "command",
  "stack-name",
  "work-dir",
  "comment-on-pr",
  "comment-on-summary",
  "edit-pr-comment",
  "github-token",
  "pulumi-version",
  "pulumi-version-file",
  "cloud-url",
  "color",
  "suppress-progress",
  "always-include-summary",
]);

/** What the action's Automation API call amounts to on the command line, per command. */
const PULUMI_ACTION_COMMANDS: Record<string, string[]> = {
  preview: ["preview"],
  up: ["up", "--yes", "--skip-preview"],
  update: ["up", "--yes", "--skip-preview"],
  refresh: ["refresh", "--yes", "--skip-preview"],
  destroy: ["destroy", "--yes", "--skip-preview"],
};

function commandOfAction(step: WorkflowStep): { args: string[]; stack: string } | undefined {
  const inputs = step.with ?? {};
  const command = inputs.command;
  if (command === undefined) return undefined; // installs the CLI only
  const base = PULUMI_ACTION_COMMANDS[String(command)];
  if (!base) throw new Error(`pulumi/actions command ${String(command)} is not one these tests know how to run`);
  const args = [...base];
  for (const [input, value] of Object.entries(inputs)) {
    if (PULUMI_ACTION_OTHER_INPUTS.has(input)) continue;
    const listFlag = PULUMI_ACTION_LIST_FLAGS[input];
    if (listFlag) {
      const lines = String(value)
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
      for (const line of lines) args.push(listFlag, line);
      continue;
    }
    const flag = PULUMI_ACTION_FLAGS[input];
    if (!flag) throw new Error(`pulumi/actions input ${input} is not one these tests know how to run`);
    if (value === true || value === "true") args.push(flag);
  }
  if (typeof inputs["stack-name"] !== "string") throw new Error("pulumi/actions step without a stack-name");
  return { args, stack: inputs["stack-name"] };
}

/** Splits a shell line into words: plain words and single- or double-quoted ones, nothing fancier. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  const word = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(word)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

function commandsOfRun(run: string): Array<{ args: string[]; stack: string }> {
  const lines = run
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim());
  return lines
    .filter((line) => line.startsWith("pulumi "))
    .map((line) => {
      const words = splitWords(line).slice(1);
      const at = words.indexOf("--stack");
      if (at === -1 || words[at + 1] === undefined) throw new Error(`pulumi command without --stack: ${line}`);
      const stack = words[at + 1]!;
      words.splice(at, 2);
      return { args: words, stack };
    });
}

/** Every pulumi command a workflow runs, per job, in step order. */
export function pulumiCommandsOf(workflow: Workflow): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const [job, { steps }] of Object.entries(workflow.jobs)) {
    for (const step of steps) {
      const label = step.name ?? step.uses ?? step.run ?? "";
      const found = step.uses?.startsWith(`${PULUMI_ACTION}@`)
        ? [commandOfAction(step)].filter((command) => command !== undefined)
        : step.run
          ? commandsOfRun(step.run)
          : [];
      for (const command of found) commands.push({ file: workflow.file, job, step: label, ...command });
    }
  }
  return commands;
}

/** The one workflow with this file name. */
export function workflowNamed(workflows: Workflow[], file: string): Workflow {
  const workflow = workflows.find((candidate) => candidate.file === file);
  if (!workflow) throw new Error(`no workflow ${file} in ${WORKFLOW_DIR}`);
  return workflow;
}

/** The step that fetches GitHub's OIDC token for C1 (it outputs CONDUCTORONE_OIDC_TOKEN). */
export function oidcTokenStep(job: WorkflowJob): WorkflowStep {
  const step = job.steps.find((candidate) => candidate.run?.includes("CONDUCTORONE_OIDC_TOKEN="));
  if (!step?.run) throw new Error("job has no step that writes CONDUCTORONE_OIDC_TOKEN to GITHUB_OUTPUT");
  return step;
}
