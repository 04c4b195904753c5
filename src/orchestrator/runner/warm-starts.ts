// `claude -p` processes started ahead of their attempts. A CLI spawned with its stdin left open
// loads everything (modules, settings, MCP servers) and then waits for the prompt: started while
// the task waits for a slot, most of its start-up is off the critical path (measured: spawn to
// init 0.9-1.1 s cold, write to init 0.2-0.3 s warm). A process is claimed only by the dispatch
// whose whole spawn it already is (claude-spawn.ts); anything else stops it, and the attempt
// spawns fresh as it would have anyway. Nothing of an unclaimed process reaches the event log.

import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ArtifactFiles } from './artifact-files';
import type { AttemptRequest } from './attempt-request';
import type { InvocationPlan } from './claude-args';
import { spawnDifference, spawnSpec, writeSpawnFiles, type SpawnIdentity, type SpawnSpec } from './claude-spawn';
import type { MessagingPort, ToolAnswer } from './mcp/message-tools';
import { sharedToolServer, type ToolSessionOptions } from './mcp/orch-tool-server';
import { spawnGroup, terminate } from './process-group';

export interface WarmLimits {
  /** A process nobody claimed within this long is stopped: it holds memory (about 300 MB) for nothing. */
  readonly idleMs: number;
  /** SIGTERM, then SIGKILL after this long. */
  readonly killGraceMs: number;
}

const DEFAULT_WARM_LIMITS: WarmLimits = { idleMs: 10 * 60_000, killGraceMs: 3_000 };

const NOT_YET: ToolAnswer = { text: 'this agent has not started its task yet', isError: true };
const UNCLAIMED_MESSAGING: MessagingPort = {
  send: () => Promise.resolve(NOT_YET),
  broadcast: () => Promise.resolve(NOT_YET),
  readInbox: () => Promise.resolve(NOT_YET),
  ask: () => Promise.resolve(NOT_YET),
  takeLive: () => Promise.resolve(''),
  onArrival: () => () => undefined,
};

/** A warm process handed to the attempt that claimed it: its stdout and stderr are still unread. */
export interface WarmClaim {
  readonly child: ChildProcess;
  readonly identity: SpawnIdentity;
  readonly spec: SpawnSpec;
}

/** Why a dispatch did not get a warm process it could have had. */
export type WarmMiss = 'not-ready' | 'exited' | 'expired' | 'tools' | 'binary' | 'working folder' | 'arguments' | 'environment' | 'files';

interface Warm {
  readonly attemptId: string;
  /** Undefined while the tool session is being opened. */
  started?: { readonly child: ChildProcess; readonly spec: SpawnSpec; readonly identity: SpawnIdentity };
  exited: boolean;
  /** Taken out of the pool (claimed, missed or stopped): a start still pending drops itself. */
  gone: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * The run's warm processes, one per attempt id. The engine decides which attempts to start
 * (`start`, `keepOnly`); the runner claims at dispatch (`claim`). Bounded by the caller, and by
 * the idle limit; `stopAll` when the run ends, pauses or is cancelled.
 */
export class WarmStarts {
  private readonly warm = new Map<string, Warm>();
  private readonly stopping = new Set<Promise<unknown>>();
  /** Attempts whose process expired or died unclaimed: not started again, their dispatch goes cold. */
  private readonly spent = new Set<string>();
  private readonly counts = { started: 0, claimed: 0 };
  readonly misses: WarmMiss[] = [];

  constructor(private readonly limits: WarmLimits = DEFAULT_WARM_LIMITS) {}

  get size(): number {
    return this.warm.size;
  }

  get started(): number {
    return this.counts.started;
  }

  get claimed(): number {
    return this.counts.claimed;
  }

  has(attemptId: string): boolean {
    return this.warm.has(attemptId);
  }

  /**
   * Starts the first try of `req` as its dispatch would, with `plan` (a fresh session: a resumed
   * one is never started ahead). Nothing happens when one is already there or was spent.
   */
  start(req: AttemptRequest, plan: Omit<InvocationPlan, 'sessionId' | 'resumeSessionId'>): void {
    if (this.warm.has(req.attemptId) || this.spent.has(req.attemptId)) return;
    const entry: Warm = { attemptId: req.attemptId, exited: false, gone: false };
    this.warm.set(req.attemptId, entry);
    this.counts.started += 1;
    void this.spawn(entry, req, plan).catch(() => this.drop(entry, 'exited'));
  }

  /** Stops every process started for an attempt not in `attemptIds`: its task is no longer next. */
  keepOnly(attemptIds: ReadonlySet<string>): void {
    for (const entry of [...this.warm.values()]) if (!attemptIds.has(entry.attemptId)) this.stop(entry, true);
  }

  /**
   * The dispatch of `attemptId` claims its warm process when `expected(identity)` (the spawn it
   * would make, given the process's session and marker) is exactly the spawn the process was
   * started with, and the tool session takes the dispatch's handlers. Otherwise the process is
   * stopped and undefined returned: the caller spawns fresh. Synchronous, so the caller can
   * listen to the child before any of its events is emitted.
   */
  claim(attemptId: string, expected: (identity: SpawnIdentity) => SpawnSpec, handlers: ToolSessionOptions): WarmClaim | undefined {
    const entry = this.warm.get(attemptId);
    if (entry === undefined) return undefined;
    // The files stay: a fresh spawn of the same attempt writes the same paths.
    const miss = (why: WarmMiss): undefined => {
      this.misses.push(why);
      this.stop(entry, false);
      return undefined;
    };
    const started = entry.started;
    if (started === undefined) return miss('not-ready');
    if (entry.exited || started.child.exitCode !== null || started.child.signalCode !== null) return miss('exited');
    const difference = spawnDifference(expected(started.identity), started.spec);
    if (difference !== undefined) return miss(difference as WarmMiss);
    if (started.identity.tools !== undefined && !started.identity.tools.bind(handlers)) return miss('tools');
    this.forget(entry);
    this.counts.claimed += 1;
    return started;
  }

  /** Stops every warm process and waits until they are gone. */
  async stopAll(): Promise<void> {
    for (const entry of [...this.warm.values()]) this.stop(entry, true);
    while (this.stopping.size > 0) await Promise.allSettled([...this.stopping]);
  }

  private async spawn(entry: Warm, req: AttemptRequest, plan: Omit<InvocationPlan, 'sessionId' | 'resumeSessionId'>): Promise<void> {
    // Before the tool session: a first attempt's request always has it, unless its tools are off.
    const server = req.orchTools === false ? undefined : await sharedToolServer();
    if (entry.gone) return;
    // Until a dispatch claims it there is no attempt for a call to belong to (and without a prompt
    // the CLI makes none): the session offers the same tools, answered by nobody.
    const tools = server?.open({
      onReport: () => undefined,
      ...(req.submissions === undefined ? {} : { submissions: req.submissions }),
      ...(req.messaging === undefined ? {} : { messaging: UNCLAIMED_MESSAGING }),
    });
    const identity: SpawnIdentity = { marker: `ORCH_ATTEMPT_MARKER=${randomUUID()}`, sessionId: randomUUID(), ...(tools === undefined ? {} : { tools }) };
    const spec = spawnSpec(req, plan, new ArtifactFiles(req.artifactsDir, req.attemptId, 1), identity);
    try {
      writeSpawnFiles(spec);
    } catch (error) {
      tools?.close();
      throw error;
    }
    const child = spawnGroup(spec.binary, [...spec.args], identity.marker, { cwd: spec.cwd, env: { ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    entry.started = { child, spec, identity };
    child.stdin?.on('error', () => undefined);
    child.once('error', () => this.drop(entry, 'exited'));
    child.once('exit', () => this.drop(entry, 'exited'));
    entry.idle = setTimeout(() => this.drop(entry, 'expired'), this.limits.idleMs);
    entry.idle.unref();
  }

  /** The process ended or expired before anyone claimed it. */
  private drop(entry: Warm, why: 'exited' | 'expired'): void {
    if (entry.gone) {
      entry.exited ||= why === 'exited';
      return;
    }
    entry.exited ||= why === 'exited';
    this.spent.add(entry.attemptId);
    this.stop(entry, true);
  }

  private forget(entry: Warm): void {
    entry.gone = true;
    if (entry.idle !== undefined) clearTimeout(entry.idle);
    if (this.warm.get(entry.attemptId) === entry) this.warm.delete(entry.attemptId);
  }

  private stop(entry: Warm, removeFiles: boolean): void {
    if (entry.gone) return;
    this.forget(entry);
    const started = entry.started;
    if (started === undefined) return;
    started.identity.tools?.close();
    // Its attempt has not started: files named after it would be taken for its own.
    if (removeFiles) for (const file of started.spec.files) rmSync(file.path, { force: true });
    // Unread pipes would keep Orch's event loop alive after the process is gone.
    started.child.stdout?.resume();
    started.child.stderr?.resume();
    started.child.stdin?.destroy();
    const pid = started.child.pid;
    if (pid === undefined) return;
    const stopped = terminate(pid, started.identity.marker, this.limits.killGraceMs).finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }
}
