/**
 * Watches the dynamic provider processes a Pulumi CLI run starts: their peak memory and CPU time.
 *
 * The engine starts the provider plugin (`pulumi-resource-pulumi-nodejs`, a shell script that execs
 * `node .../@pulumi/pulumi/cmd/dynamic-provider`) under the `pulumi` process. Every `intervalMs`
 * this reads /proc: new descendants of the root process (by the parent pid and start time in
 * /proc/<pid>/stat), and for each provider process its VmHWM (the kernel's high-water mark of its
 * resident set) from /proc/<pid>/status and its user + system CPU time from /proc/<pid>/stat. Both only grow, so the
 * last sample before the process exits is its peak and nearly all of its CPU time (short of its
 * last `intervalMs`: the engine ends providers with a signal, so nothing can be read at exit).
 * Linux only; elsewhere nothing is recorded.
 */
import { readdirSync, readFileSync } from "node:fs";

/** One provider process seen during a run. */
export interface ProviderProcess {
  pid: number;
  /** The largest VmHWM read, in KiB. */
  peakKb: number;
  /** User + system CPU time at the last sample, in ms. */
  cpuMs: number;
}

/** The provider's script argument (not the `node -e "require.resolve(...)"` the plugin script runs first). */
const PROVIDER_SCRIPT = /^[^'"()]*[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/;
const PLUGIN_SCRIPT = "pulumi-resource-pulumi-nodejs";
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

/** The fields of /proc/<pid>/stat after the parenthesised command name (field 3 onwards). */
function statFields(pid: number): string[] | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Samples the provider processes under one root process (the CLI, or a shell around it) until stopped. */
export class ProviderProcessWatch {
  private readonly providers = new Map<number, ProviderProcess>();
  /** The root and its descendants seen so far. */
  private readonly tree: Set<number>;
  /** The parent of each descendant in `tree`. */
  private readonly parents = new Map<number, number>();
  /** Pids already classified as not provider processes (unrelated ones, or other descendants). */
  private readonly settled = new Set<number>();
  private readonly rootStart: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly rootPid: number,
    intervalMs = 50,
  ) {
    this.tree = new Set([rootPid]);
    // starttime (field 22, ticks since boot): anything older than the root cannot descend from it.
    this.rootStart = Number(statFields(rootPid)?.[19] ?? 0);
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Reads /proc once: new descendants of the root, then the peak and CPU time of each provider. */
  sample(): void {
    let entries: number[];
    try {
      entries = readdirSync("/proc").map(Number).filter(Number.isInteger);
    } catch {
      return;
    }
    // Pids wrap around, so order new processes by start time: a parent is classified before its children.
    const fresh = entries
      .filter((pid) => !this.tree.has(pid) && !this.settled.has(pid))
      .map((pid) => ({ pid, fields: statFields(pid) }))
      .filter((entry): entry is { pid: number; fields: string[] } => entry.fields !== undefined)
      .sort((a, b) => Number(a.fields[19]) - Number(b.fields[19]));
    for (const { pid, fields } of fresh) {
      if (Number(fields[19]) < this.rootStart || !this.tree.has(Number(fields[1]))) {
        this.settled.add(pid);
        continue;
      }
      this.tree.add(pid);
      this.parents.set(pid, Number(fields[1]));
    }
    for (const pid of this.tree) {
      if (pid === this.rootPid || this.providers.has(pid) || this.settled.has(pid)) continue;
      const command = readText(`/proc/${pid}/cmdline`);
      if (command === undefined) continue;
      if (
        command
          .split("\0")
          .slice(1)
          .some((arg) => PROVIDER_SCRIPT.test(arg))
      )
        this.providers.set(pid, { pid, peakKb: 0, cpuMs: 0 });
      // The plugin starts as a shell script that execs node: look again until it has. So does a
      // process caught before its exec (it still shows its parent's command line) or during it
      // (an empty one), or it would never be seen again.
      else if (!command.includes(PLUGIN_SCRIPT) && command !== "" && command !== readText(`/proc/${this.parents.get(pid)}/cmdline`)) this.settled.add(pid);
    }
    for (const provider of this.providers.values()) {
      const peak = /^VmHWM:\s+(\d+) kB$/m.exec(readText(`/proc/${provider.pid}/status`) ?? "");
      if (peak && Number(peak[1]) > provider.peakKb) provider.peakKb = Number(peak[1]);
      const fields = statFields(provider.pid);
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat: 11 and 12 after the command name.
      if (fields) provider.cpuMs = Math.max(provider.cpuMs, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
    }
  }

  /** Stops sampling. @returns the provider processes seen, in pid order. */
  stop(): ProviderProcess[] {
    clearInterval(this.timer);
    return [...this.providers.values()].sort((a, b) => a.pid - b.pid);
  }
}
