// Builds attempt requests for the runner's integration tests (the real claude CLI against the
// scripted model, in temp dirs) and checks the process table for anything left behind.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../src/protocol/events';
import type { AttemptRequest } from '../../src/orchestrator/runner/attempt-request';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import { CLAUDE_BIN, claudeEnv } from './claude-harness';

export interface RunnerSandbox {
  readonly cwd: string;
  readonly home: string;
  readonly artifactsDir: string;
  /** `ORCH_TEST_MARKER=<uuid>`: in the agent's environment, so in every descendant's. */
  readonly marker: string;
  request(baseUrl: string, overrides?: Partial<AttemptRequest>): AttemptRequest;
}

/** A fresh workspace, HOME and marker per test, removed afterwards: call inside `describe`. */
export function useRunnerSandbox(): RunnerSandbox {
  const box = { cwd: '', home: '', artifactsDir: '', marker: '' };
  let root = '';
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'orch-runner-'));
    box.cwd = mkdtempSync(join(root, 'work-'));
    box.home = mkdtempSync(join(root, 'home-'));
    box.artifactsDir = join(root, 'artifacts');
    box.marker = `ORCH_TEST_MARKER=${randomUUID()}`;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  return {
    get cwd() {
      return box.cwd;
    },
    get home() {
      return box.home;
    },
    get artifactsDir() {
      return box.artifactsDir;
    },
    get marker() {
      return box.marker;
    },
    request: (baseUrl, overrides = {}) => ({
      attemptId: 'PRD-1/T1#1',
      taskId: 'PRD-1/T1',
      systemPrompt: 'You are a careful test agent.',
      prompt: 'Do the task.',
      model: 'sonnet',
      allowedTools: ['Write', 'Edit', 'Read', 'Bash'],
      permissionMode: 'acceptEdits',
      cwd: box.cwd,
      env: { ...claudeEnv(baseUrl, box.home), ORCH_TEST_MARKER: box.marker.split('=')[1] },
      claudePath: CLAUDE_BIN,
      artifactsDir: box.artifactsDir,
      timeoutSec: 30,
      inactivityTimeoutSec: 30,
      killGraceMs: 1_000,
      retry: { maxRetries: 0, baseDelayMs: 50, maxDelayMs: 5_000, retryOn: ['overloaded', 'rate-limited'] },
      ...overrides,
    }),
  };
}

export function collector(): { readonly events: NewEvent[]; readonly emit: (e: NewEvent) => void; activities(kind?: string): unknown[] } {
  const events: NewEvent[] = [];
  return {
    events,
    emit: (e) => events.push(e),
    activities: (kind) =>
      events.flatMap((e) => (e.type === 'attempt.activity' && (kind === undefined || e.activity.kind === kind) ? [e.activity] : [])),
  };
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // gone
  }
}

/** Live processes (zombies are dead) that carry the marker, with their command lines. */
export function liveMarked(marker: string): string[] {
  return findMarkedProcesses(marker)
    .filter((pid) => !isZombie(pid))
    .map((pid) => {
      try {
        return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim()}`;
      } catch {
        return `${pid} (exited)`;
      }
    });
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
