// Node's spawn forks the calling process. Orch's is a few hundred MB: every fork copies its page
// tables (~3 ms of Orch's CPU per git process, and as much again in the child), and while a fork
// holds the address space, Orch's other threads stall on it. Made from Orch itself, the dozen git
// processes of each task would cost more than the git work. So git runs from a few small helper
// processes (Node with nothing loaded): Orch writes a line of JSON to one, and its fork is cheap.
// Several helpers, because a spawn also waits until the child has exec'd, which on a loaded
// machine takes 10-30 ms: their waits overlap.

import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

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
// A spawn failure or a signal counts as exit 1, as `execFileDirect` does. Its input ending means
// Orch closed it or died: it leaves once the commands it started have ended.
const HELPER_SOURCE = `
const { execFile } = require('node:child_process');
let buffered = '';
let running = 0;
let ended = false;
const leaveWhenDone = () => { if (ended && running === 0) process.exit(0); };
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let end = buffered.indexOf('\\n'); end >= 0; end = buffered.indexOf('\\n')) {
    const m = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    running += 1;
    const child = execFile(m.file, m.args, { cwd: m.cwd, env: m.env, maxBuffer: m.maxBuffer }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      running -= 1;
      process.stdout.write(JSON.stringify({ id: m.id, code, stdout, stderr }) + '\\n', leaveWhenDone);
    });
    if (m.input !== undefined) child.stdin.on('error', () => {}).end(m.input);
  }
});
process.stdin.on('end', () => { ended = true; leaveWhenDone(); });
process.stdout.on('error', () => process.exit(0));
`;

const POOL_SIZE = 3;
// An idle helper goes after this long, so a quiet Orch (the editor's, `orch serve`) keeps no
// process around. Long enough to outlast the agents of quick tasks: with 2 s, a run of six
// 3-second tasks started three new helpers for the merges at its end, some 100 ms of CPU each,
// while the CLIs still used both cores. The run's end still reaps them (beforeExit below).
const IDLE_MS = 20_000;

type Helper = ChildProcessByStdio<Writable, Readable, null>;

interface Lane {
  readonly helper: Helper;
  readonly pending: Map<number, { readonly request: ExecRequest; readonly done: (result: ExecResult) => void }>;
  /** Whether it has answered once: one that dies before that ran nothing. */
  answered: boolean;
  idle: NodeJS.Timeout | undefined;
  readonly exited: Promise<void>;
}

const lanes: Lane[] = [];
let nextId = 0;
let helpersUnavailable = false;

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

// An idle helper must not keep Orch alive; one with commands in flight does.
function hold(lane: Lane, held: boolean): void {
  for (const handle of [lane.helper, lane.helper.stdin, lane.helper.stdout] as { ref(): void; unref(): void }[]) {
    if (held) handle.ref();
    else handle.unref();
  }
}

function openLane(): Lane | undefined {
  let helper: Helper;
  try {
    // ELECTRON_RUN_AS_NODE: in VS Code's extension host, execPath is Electron's, which runs as Node with it.
    helper = spawn(process.execPath, ['-e', HELPER_SOURCE], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  } catch {
    helpersUnavailable = true;
    return undefined;
  }
  const lane: Lane = { helper, pending: new Map(), answered: false, idle: undefined, exited: new Promise((resolve) => helper.once('close', () => resolve())) };
  let buffered = '';
  helper.stdout.setEncoding('utf8');
  helper.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      let reply: Reply;
      try {
        reply = JSON.parse(buffered.slice(0, end)) as Reply;
      } catch {
        helper.kill();
        return fail('an unreadable reply');
      }
      buffered = buffered.slice(end + 1);
      lane.answered = true;
      const entry = lane.pending.get(reply.id);
      lane.pending.delete(reply.id);
      if (lane.pending.size === 0) idle(lane);
      entry?.done({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr });
    }
  });
  // A helper that never answered may never have started: its commands run here instead. One
  // that died later may or may not have run them, so they are reported failed rather than run
  // twice. A helper that cannot start gives up the pool for direct spawns.
  const fail = (why: string): void => {
    if (!lanes.includes(lane)) return;
    lanes.splice(lanes.indexOf(lane), 1);
    if (lane.idle !== undefined) clearTimeout(lane.idle);
    if (!lane.answered) helpersUnavailable = true;
    for (const { request, done } of lane.pending.values()) {
      if (lane.answered) done({ code: 1, stdout: '', stderr: `orch: the helper running git stopped (${why})` });
      else void execFileDirect(request).then(done);
    }
    lane.pending.clear();
  };
  helper.once('error', (error) => fail(error.message));
  // After its output is read to the end: replies written before it died still count.
  helper.once('close', (code, signal) => fail(`exit ${signal ?? code}`));
  helper.stdin.on('error', () => undefined);
  lanes.push(lane);
  idle(lane);
  return lane;
}

function idle(lane: Lane): void {
  hold(lane, false);
  if (lane.idle !== undefined) clearTimeout(lane.idle);
  lane.idle = setTimeout(() => close(lane), IDLE_MS);
  lane.idle.unref();
}

function close(lane: Lane): void {
  if (lane.pending.size > 0 || !lanes.includes(lane)) return;
  lanes.splice(lanes.indexOf(lane), 1);
  if (lane.idle !== undefined) clearTimeout(lane.idle);
  // Held until it has exited, so that it is reaped (its CPU counted) even by a process about to end.
  hold(lane, true);
  lane.helper.stdin.end();
}

// A helper costs about 50 ms of CPU to start: a second one is opened only once every helper
// already has this many commands in flight (a burst of merges and commits), not for a pair.
const BUSY = 2;

function pickLane(): Lane | undefined {
  const least = lanes.reduce<Lane | undefined>((best, lane) => (best === undefined || lane.pending.size < best.pending.size ? lane : best), undefined);
  if (least !== undefined && least.pending.size < BUSY) return least;
  if (lanes.length < POOL_SIZE && !helpersUnavailable) return openLane() ?? least;
  return least;
}

/**
 * Starts a helper now, when none is running, so that a caller about to need git (a run's start)
 * does not wait for one to boot (some 40 ms of Node start-up) before its first command.
 */
export function startExecHelper(): void {
  if (!helpersUnavailable && lanes.length === 0) openLane();
}

/** `execFile` made from a small helper process; resolves with the exit code (1 when it could not run or was signalled). */
export function execInHelper(request: ExecRequest): Promise<ExecResult> {
  const lane = helpersUnavailable ? undefined : pickLane();
  if (lane === undefined) return execFileDirect(request);
  const id = nextId++;
  return new Promise((resolve) => {
    if (lane.pending.size === 0) {
      if (lane.idle !== undefined) clearTimeout(lane.idle);
      lane.idle = undefined;
      hold(lane, true);
    }
    lane.pending.set(id, { request, done: resolve });
    lane.helper.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
  });
}

// A process ending on its own first lets its helpers go and reaps them: their CPU then counts
// as its children's, as git's did when it ran git itself (what `times` around `orch run` shows).
process.on('beforeExit', () => {
  if (lanes.length > 0) void closeExecHelpers();
});

/** Closes the idle helpers and waits for them to exit: their CPU then counts as the caller's children's (benches). */
export async function closeExecHelpers(): Promise<void> {
  const open = [...lanes];
  for (const lane of open) close(lane);
  await Promise.all(open.filter((lane) => !lanes.includes(lane)).map((lane) => lane.exited));
}
