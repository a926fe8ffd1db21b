/**
 * The one way the end-to-end tests run a process (the Pulumi CLI, npm, bash): spawned with its
 * output captured, its exit code or signal and how long it took; started without waiting when a
 * test must interrupt it. Plus what a kill test needs to see the processes it leaves behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/** How to run a process. */
export interface ProcessOptions {
  cwd?: string;
  /** The child's whole environment, not merged with ours. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
}

/** What one process did. */
export interface ProcessResult {
  command: string;
  args: string[];
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, as a terminal would show them. */
  output: string;
  ms: number;
}

/** A process in progress; `done` settles when it has exited and its output is closed. */
export interface RunningProcess<Result = ProcessResult> {
  child: ChildProcess;
  pid: number;
  done: Promise<Result>;
}

/** Starts `command` without waiting for it. `done` rejects only when it cannot be spawned. */
export function startProcess(command: string, args: string[], options: ProcessOptions = {}): RunningProcess {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ command, args, code, signal, stdout, stderr, output, ms: Date.now() - started }));
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  return { child, pid: child.pid!, done };
}

/** Runs `command` to the end, whatever its exit code. */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return startProcess(command, args, options).done;
}

/** Throws, with the command and its output, unless the process exited 0; returns the result. */
export function assertExitedZero<Result extends ProcessResult>(result: Result, options: { cwd?: string } = {}): Result {
  if (result.code === 0) return result;
  const where = options.cwd ? ` (in ${options.cwd})` : "";
  const how = result.signal ? `was ended by ${result.signal}` : `exited with ${result.code}`;
  throw new Error(`${result.command} ${result.args.join(" ")}${where} ${how}:\n${result.output}`);
}

/** The pids of every descendant of `pid` (children, grandchildren, ...), read from /proc. */
export async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const statLine = await readFile(`/proc/${entry}/stat`, "utf8");
      // Field 4 (after the parenthesised command, which may hold spaces) is the parent pid.
      const ppid = Number(statLine.slice(statLine.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const status = readFileSync(`/proc/${pid}/stat`, "utf8");
    return status.slice(status.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds, polling; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
