// One `claude -p` process from spawn to reaped group: feeds the prompt, follows the stream,
// enforces the wall-clock, inactivity and cancel limits, and always leaves no process behind.

import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, statSync } from 'node:fs';
import type { NewEvent } from '../../protocol/events';
import { ArtifactFiles } from './artifact-files';
import type { AttemptRequest } from './attempt-request';
import { promptLine, type InvocationPlan } from './claude-args';
import { spawnSpec, writeSpawnFiles, type SpawnIdentity } from './claude-spawn';
import { classifyRun, type Classified, type StopCause } from './classify-outcome';
import { LiveDelivery } from './live-delivery';
import { sharedToolServer, type ToolSession, type ToolSessionOptions } from './mcp/orch-tool-server';
import { estimateCostUsd } from './model-check';
import { spawnGroup, terminate, type TerminateReport } from './process-group';
import { StreamTracker } from './stream-tracker';

export interface TryPlan extends InvocationPlan {
  readonly prompt: string;
  readonly tryNumber: number;
  /** What the attempt's earlier tries cost: the spend watch sees the attempt's whole spend. */
  readonly spentBeforeUsd?: number;
}

export interface TryResult extends Classified {
  readonly sessionId?: string;
  readonly modelUsed?: string;
  readonly costUsd: number;
  readonly costSource: 'reported' | 'estimated';
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly durationMs: number;
  readonly progressed: boolean;
}

/** After its last result line (and the end of its stdin) the CLI should exit promptly; a straggler is stopped after this. */
const LINGER_AFTER_RESULT_MS = 5_000;
const STDERR_TAIL = 4_000;

function preflight(req: AttemptRequest): Classified | undefined {
  if (req.signal?.aborted === true) return { outcome: 'failed', failure: 'cancelled', message: 'cancelled before the agent started' };
  if (!existsSync(req.cwd) || !statSync(req.cwd).isDirectory()) {
    return { outcome: 'failed', failure: 'unknown', message: `the working directory "${req.cwd}" does not exist or is not a directory` };
  }
  if (!req.claudePath.includes('/')) return undefined; // looked up on PATH by spawn
  try {
    accessSync(req.claudePath, constants.X_OK);
    if (statSync(req.claudePath).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EACCES' });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return classifyRun({
      claudePath: req.claudePath,
      spawnError: { ...(code === undefined ? {} : { code }), message: String(error) },
      exitCode: null,
      exitSignal: null,
      stderrTail: '',
      timeoutSec: req.timeoutSec,
      inactivityTimeoutSec: req.inactivityTimeoutSec,
      elapsedMs: 0,
    });
  }
}

/** The try's own process, spawned now: what every try did before warm starts, and still does without one. */
async function spawnFresh(req: AttemptRequest, plan: TryPlan, files: ArtifactFiles, handlers: ToolSessionOptions, warn: (message: string) => void): Promise<{ child: ChildProcess; identity: SpawnIdentity }> {
  // Inherited by every descendant, even those the CLI starts in sessions of their own.
  const marker = `ORCH_ATTEMPT_MARKER=${randomUUID()}`;
  let tools: ToolSession | undefined;
  if (req.orchTools !== false) {
    try {
      tools = (await sharedToolServer()).open(handlers);
    } catch (error) {
      warn(`Orch's MCP tools could not be served (${(error as Error).message}): the agent runs without report_progress, attach_evidence and report_no_change`);
    }
  }
  const identity: SpawnIdentity = { marker, ...(plan.sessionId === undefined ? {} : { sessionId: plan.sessionId }), ...(tools === undefined ? {} : { tools }) };
  const spec = spawnSpec(req, plan, files, identity);
  try {
    writeSpawnFiles(spec);
  } catch (error) {
    tools?.close();
    throw error;
  }
  const child = spawnGroup(spec.binary, [...spec.args], marker, { cwd: spec.cwd, env: { ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, identity };
}

function failedBeforeStart(c: Classified, plan: TryPlan, startedAt: number): TryResult {
  return { ...c, ...(plan.sessionId === undefined ? {} : { sessionId: plan.sessionId }), costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: Date.now() - startedAt, progressed: false };
}

export async function runClaudeOnce(req: AttemptRequest, plan: TryPlan, emit: (event: NewEvent) => void): Promise<TryResult> {
  const startedAt = Date.now();
  const early = preflight(req);
  if (early !== undefined) return failedBeforeStart(early, plan, startedAt);

  const files = new ArtifactFiles(req.artifactsDir, req.attemptId, plan.tryNumber);
  const graceMs = req.killGraceMs ?? 3_000;
  let stopCause: StopCause | undefined;
  let budgetStop: string | undefined;
  let stopping: Promise<TerminateReport> | undefined;
  // Set once the child exists; the stream callbacks that stop it only fire after that.
  const leader: { pid?: number; marker?: string } = {};
  let linger: NodeJS.Timeout | undefined;
  // Set once the child exists, with messaging on: stdin then stays open after the prompt.
  let delivery: LiveDelivery | undefined;
  const lingerAfterEnd = (): void => {
    linger ??= setTimeout(() => stop('linger'), LINGER_AFTER_RESULT_MS);
  };
  // Once the leader has exited, late timers and reports must not turn a clean end into a stop.
  let exited = false;

  const stop = (cause: StopCause | 'retry' | 'linger'): void => {
    if (exited || stopping !== undefined || leader.pid === undefined || leader.marker === undefined) return;
    if (cause !== 'retry' && cause !== 'linger') stopCause = cause;
    stopping = terminate(leader.pid, leader.marker, graceMs);
  };

  const tracker = new StreamTracker({
    attemptId: req.attemptId,
    requestedModel: plan.model,
    maxEventChars: req.maxEventChars ?? 4_000,
    files,
    emit,
    onRetrySignal: () => stop('retry'),
    onResult: () => {
      if (delivery === undefined) lingerAfterEnd();
      else delivery.resultSeen();
    },
    onToolCall: (id) => delivery?.toolStarted(id),
    onToolResult: (id) => delivery?.toolFinished(id),
    onEcho: (text) => delivery?.echoed(text),
    onSpend: (moment) => {
      if (req.spendWatch === undefined || budgetStop !== undefined || tracker.result !== undefined) return;
      const reason = req.spendWatch({ model: plan.model, earlierTriesUsd: plan.spentBeforeUsd ?? 0, turns: tracker.spend.usage(), moment });
      if (reason === undefined) return;
      budgetStop = reason;
      stop('budget');
    },
  });

  const handlers: ToolSessionOptions = {
    ...(req.submissions === undefined ? {} : { submissions: req.submissions }),
    ...(req.messaging === undefined ? {} : { messaging: req.messaging, onBusy: () => touch() }),
    // A report reaches the event stream before the CLI sees the tool's answer, so before its result line.
    onReport: (activity) => {
      touch();
      tracker.activity(activity);
    },
  };
  // Only a fresh first try is ever started ahead: a retry or a resume spawns as it always did.
  const warm = plan.tryNumber === 1 && plan.resumeSessionId === undefined ? req.warmStarts?.claim(req.attemptId, (identity) => spawnSpec(req, plan, files, identity), handlers) : undefined;
  const { child, identity } = warm ?? (await spawnFresh(req, plan, files, handlers, (message) => tracker.warn(message)));
  tracker.startedWarm = warm !== undefined;
  const marker = identity.marker;
  const tools = identity.tools;
  const pid = child.pid;
  if (pid !== undefined) Object.assign(leader, { pid, marker });
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });

  const rawStream = createWriteStream(files.path('stream.jsonl'));
  const stderrFile = createWriteStream(files.path('stderr.log'));
  let stderrTail = '';
  let spawnError: { code?: string; message: string } | undefined;
  let pending = '';

  let inactivity: NodeJS.Timeout | undefined;
  const touch = (): void => {
    if (exited) return;
    if (inactivity !== undefined) clearTimeout(inactivity);
    inactivity = setTimeout(() => stop('inactivity'), req.inactivityTimeoutSec * 1000);
  };
  const wallClock = setTimeout(() => stop('timeout'), req.timeoutSec * 1000);
  const onAbort = (): void => stop('cancelled');
  req.signal?.addEventListener('abort', onAbort, { once: true });
  touch();

  child.stdin?.on('error', () => undefined); // EPIPE when the CLI dies before reading its prompt
  if (req.messaging !== undefined && child.stdin !== null) {
    delivery = new LiveDelivery(child.stdin, req.messaging, lingerAfterEnd, {
      ...(req.silenceMs === undefined ? {} : { silenceMs: req.silenceMs }),
      onSilent: (ms) =>
        tracker.warn(
          `the CLI wrote nothing in the ${ms / 1000} s after its prompt: its stdin was closed, in case it waits for the end of its input (a --claude-path wrapper that reads all of stdin does). Messages sent to this agent from now on reach it in its next attempt.`,
        ),
    });
    delivery.start(plan.prompt);
  } else child.stdin?.end(promptLine(plan.prompt));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    touch();
    delivery?.heard();
    rawStream.write(chunk);
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) tracker.line(line);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrFile.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
  });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = { ...(error.code === undefined ? {} : { code: error.code }), message: error.message };
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  exited = true;
  delivery?.close();
  clearTimeout(wallClock);
  if (linger !== undefined) clearTimeout(linger);
  if (inactivity !== undefined) clearTimeout(inactivity);
  req.signal?.removeEventListener('abort', onAbort);
  // The leader is gone; whatever it started must go too (background jobs, tool sessions).
  const stoppedByUs = stopping !== undefined;
  const cleanup = pid === undefined ? undefined : await (stopping ?? terminate(pid, marker, graceMs));
  await closed;
  if (pending !== '') tracker.line(pending);
  tools?.close();
  if (!stoppedByUs && cleanup !== undefined && cleanup.outside.length > 0) {
    tracker.warn(`the agent left ${cleanup.outside.length} process(es) running after it exited (${cleanup.outside.join(', ')}); Orch stopped them`);
  }
  await Promise.all([new Promise((r) => rawStream.end(r)), new Promise((r) => stderrFile.end(r))]);

  const durationMs = Date.now() - startedAt;
  const classified = classifyRun({
    claudePath: req.claudePath,
    ...(spawnError === undefined ? {} : { spawnError }),
    ...(stopCause === undefined ? {} : { stopCause }),
    ...(budgetStop === undefined ? {} : { budgetStop }),
    ...(tracker.retrySignal === undefined || tracker.result !== undefined ? {} : { retrySignal: tracker.retrySignal }),
    ...(tracker.result === undefined ? {} : { result: tracker.result }),
    ...(tracker.apiError === undefined ? {} : { apiError: tracker.apiError }),
    exitCode: exit.code,
    exitSignal: exit.signal,
    stderrTail,
    timeoutSec: req.timeoutSec,
    inactivityTimeoutSec: req.inactivityTimeoutSec,
    elapsedMs: durationMs,
  });
  const result = tracker.result;
  const modelUsed = tracker.modelUsed();
  const reported = result?.costUsd !== undefined;
  const estimate = tracker.estimatedTokens();
  const inputTokens = result?.inputTokens ?? estimate.inputTokens;
  const outputTokens = result?.outputTokens ?? estimate.outputTokens;
  const sessionId = tracker.sessionId ?? plan.resumeSessionId ?? identity.sessionId ?? plan.sessionId;
  return {
    ...classified,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(modelUsed === undefined ? {} : { modelUsed }),
    costUsd: reported ? (result?.costUsd ?? 0) : estimateCostUsd(modelUsed ?? plan.model, inputTokens, outputTokens),
    costSource: reported ? 'reported' : 'estimated',
    inputTokens,
    outputTokens,
    durationMs,
    progressed: tracker.progressed,
  };
}
