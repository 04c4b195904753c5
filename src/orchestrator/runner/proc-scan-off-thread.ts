// The end-of-attempt scan for an attempt's stray processes reads every process's environment
// (/proc/PID/environ): 30 ms on a quiet machine, about 100 ms under load, with the event loop
// blocked for all of it if done on the main thread. So it runs on a worker thread of its own;
// the main thread waits for one message. The synchronous scan in process-group.ts stays for
// Orch's exit hook, where nothing asynchronous can run, and as the fallback when no thread can.

import { Worker } from 'node:worker_threads';

// Evaluated (not a file) so that it runs the same from the bundle and from the TypeScript
// sources. The same matching as `findMarkedProcesses`: the marker as a whole NUL-separated entry.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readdirSync, readFileSync } = require('node:fs');
function carries(environ, marker) {
  for (let at = environ.indexOf(marker); at !== -1; at = environ.indexOf(marker, at + 1)) {
    const end = at + marker.length;
    if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) return true;
  }
  return false;
}
parentPort.on('message', (m) => {
  const found = [];
  let entries = [];
  try { entries = readdirSync('/proc'); } catch {}
  const wanted = Buffer.from(m.marker, 'latin1');
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === m.self) continue;
    try { if (carries(readFileSync('/proc/' + pid + '/environ'), wanted)) found.push(pid); } catch {}
  }
  parentPort.postMessage({ id: m.id, found });
});
`;

interface Scanner {
  readonly worker: Worker;
  readonly pending: Map<number, (found: readonly number[] | undefined) => void>;
}

let scanner: Scanner | undefined;
let unavailable = false;
let nextId = 0;

function open(): Scanner | undefined {
  if (unavailable) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true });
  } catch {
    unavailable = true;
    return undefined;
  }
  const opened: Scanner = { worker, pending: new Map() };
  worker.on('message', (reply: { id: number; found: number[] }) => {
    const done = opened.pending.get(reply.id);
    opened.pending.delete(reply.id);
    if (opened.pending.size === 0) worker.unref();
    done?.(reply.found);
  });
  // Reading /proc twice does no harm: a scan the thread did not answer is made here instead.
  const fail = (): void => {
    if (scanner === opened) scanner = undefined;
    unavailable = true;
    for (const done of opened.pending.values()) done(undefined);
    opened.pending.clear();
  };
  worker.once('error', fail);
  worker.once('exit', fail);
  // An idle scanner must not keep Orch alive; one with a scan in flight does.
  worker.unref();
  return opened;
}

/**
 * Processes whose environment carries `marker` (`NAME=value`), read on a worker thread;
 * `undefined` when no thread could do it (the caller scans synchronously instead).
 */
export function findMarkedOffThread(marker: string): Promise<readonly number[] | undefined> {
  scanner ??= open();
  const current = scanner;
  if (current === undefined) return Promise.resolve(undefined);
  const id = nextId++;
  return new Promise((resolve) => {
    if (current.pending.size === 0) current.worker.ref();
    current.pending.set(id, resolve);
    current.worker.postMessage({ id, marker, self: process.pid });
  });
}
