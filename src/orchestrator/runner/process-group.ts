// Agents run as process-group leaders (spawned detached) so one signal reaches the CLI and its
// MCP servers. The CLI's Bash tool, though, starts every command in a session of its own
// (measured with 2.1.197: bash and its children get their own pgid), so a stop also signals
// every process carrying the attempt's environment marker (Linux /proc) and, elsewhere, the
// leader's descendants found by `ps`. Every live group is registered so that Orch's own exit
// (normal, by signal, or by an uncaught error) takes them down too.

import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { findMarkedInSlices, findMarkedNow } from './proc-scan-sliced';

interface Group {
  readonly marker: string;
}

const liveGroups = new Map<number, Group>();
let hooksInstalled = false;

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // ESRCH: gone; EPERM: not ours
  }
}

function groupAlive(pgid: number): boolean {
  return signal(-pgid, 0);
}

let procReadable: boolean | undefined;

function hasProc(): boolean {
  if (procReadable === undefined) {
    try {
      readdirSync('/proc/self');
      procReadable = true;
    } catch {
      procReadable = false;
    }
  }
  return procReadable;
}

/**
 * Processes (Linux /proc) whose environment carries `NAME=value`. Every process is read: a filter
 * on start time would need /proc/PID/stat, which measured slower to read than the environment.
 */
export function findMarkedProcesses(marker: string): number[] {
  return findMarkedNow(marker);
}

/** Descendants of `root` by parent links, through `ps` where there is no /proc. */
function descendantsByPs(root: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], { encoding: 'utf8', timeout: 2_000 });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined || Number.isNaN(pid) || Number.isNaN(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Everything a stop must reach besides the group itself. */
function stragglers(pgid: number, marker: string, extra: readonly number[]): number[] {
  return [...new Set([...(hasProc() ? findMarkedProcesses(marker) : descendantsByPs(pgid)), ...extra])];
}

/** The same, with the /proc scan spread over turns of the event loop (findMarkedInSlices). */
async function stragglersSoon(pgid: number, marker: string, extra: readonly number[]): Promise<number[]> {
  if (!hasProc()) return stragglers(pgid, marker, extra);
  return [...new Set([...(await findMarkedInSlices(marker)), ...extra])];
}

function killAllNow(): void {
  for (const [pgid, group] of liveGroups) {
    signal(-pgid, 'SIGKILL');
    for (const pid of stragglers(pgid, group.marker, [])) signal(pid, 'SIGKILL');
  }
  liveGroups.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' also runs when an uncaught exception ends the process; only sync work is possible.
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // An adapter with its own handler cancels gracefully: its agents get SIGTERM and their
      // grace period, and if it exits before they are gone the 'exit' hook still kills them.
      if (process.listenerCount(sig) > 1) return;
      // Nobody else handles the signal: stop everything now, then die of it as the default would.
      killAllNow();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/**
 * Spawns `command` as the leader of a new process group, tracked until `terminate` has run.
 * `marker` (`NAME=value`) must be in `options.env`: descendants inherit it.
 */
export function spawnGroup(command: string, args: readonly string[], marker: string, options: Omit<SpawnOptions, 'detached'>): ChildProcess {
  installExitHooks();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) liveGroups.set(child.pid, { marker });
  return child;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface TerminateReport {
  /** SIGKILL was needed: something ignored SIGTERM for the whole grace period. */
  readonly killed: boolean;
  /** Processes outside the group (the Bash tool's sessions, setsid escapees) that were stopped. */
  readonly outside: readonly number[];
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the group and everything outside it that belongs to the attempt, SIGKILL after
 * `graceMs` to whatever survives; resolves when nothing is left (or right after the SIGKILL).
 * Stragglers are looked for again on every poll: a CLI told to stop may still start a tool
 * command (seen: it saw its Bash tool killed and ran the next one before exiting).
 */
export async function terminate(pgid: number, marker: string, graceMs: number): Promise<TerminateReport> {
  const termed = new Set<number>();
  const outside = new Set<number>();
  signal(-pgid, 'SIGTERM');
  // A zombie is dead already; it only waits for a parent (or an init that never reaps) to collect it.
  const alive = async (): Promise<number[]> => {
    const found = (await stragglersSoon(pgid, marker, [...outside])).filter((pid) => signal(pid, 0) && !isZombie(pid));
    for (const pid of found) if (pid !== pgid) outside.add(pid);
    return groupAlive(pgid) ? [pgid, ...found] : found;
  };
  const deadline = Date.now() + graceMs;
  let killed = false;
  for (let left = await alive(); left.length > 0; left = await alive()) {
    for (const pid of left) {
      if (termed.has(pid) || pid === pgid) continue;
      termed.add(pid);
      signal(pid, 'SIGTERM');
    }
    if (Date.now() >= deadline) {
      killed = true;
      signal(-pgid, 'SIGKILL');
      for (const pid of left) signal(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
  liveGroups.delete(pgid);
  return { killed, outside: [...outside] };
}
