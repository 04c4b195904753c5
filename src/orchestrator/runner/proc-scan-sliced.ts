// The end-of-attempt scan for an attempt's stray processes reads every process's environment
// (/proc/PID/environ): a few ms for a hundred processes on a quiet machine, about 100 ms under
// load. Made in one go it would stop the event loop for all of that (other attempts' output,
// the dashboard), so it reads a few processes per turn of the loop and yields in between. It
// ran on a worker thread before: starting the thread cost more CPU (about 45 ms per run on a
// 2-core machine) than the scans of a six-task run together, and the core it needs is the one
// the CLIs are starting on. The synchronous scan in process-group.ts stays for Orch's exit
// hook, where nothing asynchronous can run.

import { readdirSync, readFileSync } from 'node:fs';

/** Processes read per turn of the event loop: one turn stays well under a millisecond on a quiet machine. */
const PER_TURN = 8;

/** Whether the raw environment (NUL-separated) holds `marker` as a whole entry, not merely a prefix of one. */
function environCarries(environ: Buffer, marker: Buffer): boolean {
  for (let at = environ.indexOf(marker); at !== -1; at = environ.indexOf(marker, at + 1)) {
    const end = at + marker.length;
    if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) return true;
  }
  return false;
}

function carriesMarker(pid: number, wanted: Buffer): boolean {
  try {
    return environCarries(readFileSync(`/proc/${pid}/environ`), wanted);
  } catch {
    return false; // gone, or not ours to read
  }
}

function pids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

/** Processes (Linux /proc) whose environment carries `marker` (`NAME=value`), at once. */
export function findMarkedNow(marker: string): number[] {
  const wanted = Buffer.from(marker, 'latin1');
  return pids().filter((pid) => carriesMarker(pid, wanted));
}

/** The same, a few processes per turn of the event loop. */
export async function findMarkedInSlices(marker: string): Promise<number[]> {
  const wanted = Buffer.from(marker, 'latin1');
  const all = pids();
  const found: number[] = [];
  for (let from = 0; from < all.length; from += PER_TURN) {
    if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const pid of all.slice(from, from + PER_TURN)) if (carriesMarker(pid, wanted)) found.push(pid);
  }
  return found;
}
