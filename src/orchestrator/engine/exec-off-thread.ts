// Node's spawn is synchronous: the calling thread waits until the child has exec'd, which on a
// loaded machine is 10-30 ms of waiting for the child to be scheduled. Made from the main thread,
// every git process of every task would stall the whole event loop (streams, events, other
// tasks' dispatch) one after another. So git runs from a few worker threads: their waits
// overlap, and the main thread only posts a message.

import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface ExecRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly maxBuffer: number;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
}

interface Reply extends ExecResult {
  readonly id: number;
}

// Evaluated (not a file) so that it runs the same from the bundle and from the TypeScript sources.
// A spawn failure or a signal counts as exit 1, as `execFileDirect` does.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { execFile } = require('node:child_process');
parentPort.on('message', (m) => {
  const child = execFile(m.file, m.args, { cwd: m.cwd, env: m.env, maxBuffer: m.maxBuffer }, (error, stdout, stderr) => {
    const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
    parentPort.postMessage({ id: m.id, code, stdout, stderr });
  });
  if (m.input !== undefined) child.stdin.on('error', () => {}).end(m.input);
});
`;

const POOL_SIZE = 3;

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, { readonly request: ExecRequest; readonly done: (result: ExecResult) => void }>;
  online: boolean;
}

const lanes: Lane[] = [];
let nextId = 0;
let workersUnavailable = false;

function execFileDirect(request: ExecRequest): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(request.file, [...request.args], { cwd: request.cwd, env: request.env, maxBuffer: request.maxBuffer }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its input must not fail the write with EPIPE.
    if (request.input !== undefined) child.stdin?.on('error', () => undefined).end(request.input);
  });
}

function openLane(): Lane | undefined {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true });
  } catch {
    workersUnavailable = true;
    return undefined;
  }
  const lane: Lane = { worker, pending: new Map(), online: false };
  worker.once('online', () => (lane.online = true));
  worker.on('message', (reply: Reply) => {
    const entry = lane.pending.get(reply.id);
    lane.pending.delete(reply.id);
    if (lane.pending.size === 0) worker.unref();
    entry?.done({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr });
  });
  // A thread that never started ran nothing: its commands run here instead. One that died later
  // may or may not have run them, so they are reported failed rather than run twice. Either way
  // the pool is given up for direct spawns.
  const fail = (why: string): void => {
    lanes.splice(lanes.indexOf(lane), 1);
    workersUnavailable = true;
    for (const { request, done } of lane.pending.values()) {
      if (lane.online) done({ code: 1, stdout: '', stderr: `orch: the thread running git stopped (${why})` });
      else void execFileDirect(request).then(done);
    }
    lane.pending.clear();
  };
  worker.once('error', (error) => fail(error.message));
  worker.once('exit', (code) => {
    if (lanes.includes(lane)) fail(`exit ${code}`);
  });
  // An idle pool must not keep Orch alive; a lane with work in flight does (`execOffThread` refs
  // it). After the listeners: adding a 'message' listener refs the thread's port again.
  worker.unref();
  lanes.push(lane);
  return lane;
}

function pickLane(): Lane | undefined {
  const idle = lanes.find((lane) => lane.pending.size === 0);
  if (idle !== undefined) return idle;
  if (lanes.length < POOL_SIZE && !workersUnavailable) return openLane() ?? lanes[0];
  return lanes.reduce<Lane | undefined>((best, lane) => (best === undefined || lane.pending.size < best.pending.size ? lane : best), undefined);
}

/** `execFile` made from a worker thread; resolves with the exit code (1 when it could not run or was signalled). */
export function execOffThread(request: ExecRequest): Promise<ExecResult> {
  const lane = pickLane();
  if (lane === undefined || workersUnavailable) return execFileDirect(request);
  const id = nextId++;
  return new Promise((resolve) => {
    if (lane.pending.size === 0) lane.worker.ref();
    lane.pending.set(id, { request, done: resolve });
    lane.worker.postMessage({ id, ...request });
  });
}
