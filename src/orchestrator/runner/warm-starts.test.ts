import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptRequest } from './attempt-request';
import { ArtifactFiles } from './artifact-files';
import { spawnDifference, spawnSpec } from './claude-spawn';
import { closeSharedToolServerIfIdle } from './mcp/orch-tool-server';
import { findMarkedProcesses } from './process-group';
import { WarmStarts } from './warm-starts';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('warm starts', () => {
  let dir = '';
  let warm: WarmStarts | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-warm-'));
    // A CLI stand-in that, like `claude -p`, waits for its prompt on stdin.
    writeFileSync(join(dir, 'cli'), '#!/bin/sh\ncat > /dev/null\n');
    chmodSync(join(dir, 'cli'), 0o755);
  });
  afterEach(async () => {
    await warm?.stopAll();
    await closeSharedToolServerIfIdle();
    rmSync(dir, { recursive: true, force: true });
  });

  function request(overrides: Partial<AttemptRequest> = {}): AttemptRequest {
    return {
      attemptId: 'PRD-1/T1#1',
      taskId: 'PRD-1/T1',
      systemPrompt: 'You are a test agent.',
      prompt: '',
      model: 'sonnet',
      allowedTools: ['Write'],
      permissionMode: 'acceptEdits',
      cwd: dir,
      env: { ORCH_RUN_ID: 'run-1' },
      claudePath: join(dir, 'cli'),
      artifactsDir: join(dir, 'artifacts'),
      timeoutSec: 30,
      inactivityTimeoutSec: 30,
      ...overrides,
    };
  }

  const expectedFor = (req: AttemptRequest) => (identity: Parameters<typeof spawnSpec>[3]) => spawnSpec(req, { model: req.model }, new ArtifactFiles(req.artifactsDir, req.attemptId, 1), identity);
  const handlers = { onReport: () => undefined };

  async function started(w: WarmStarts, req: AttemptRequest): Promise<void> {
    w.start(req, { model: req.model });
    const config = join(req.artifactsDir, 'PRD-1-T1-1.mcp-config.json');
    await until(() => existsSync(config));
  }

  it('hands over the process whose spawn is exactly the dispatch\'s, with the session id it was started with', async () => {
    warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 500 });
    const req = request();
    await started(warm, req);
    const claim = warm.claim(req.attemptId, expectedFor(req), handlers);
    assert.ok(claim !== undefined, `missed: ${warm.misses.join(', ')}`);
    assert.ok(alive(claim.child.pid));
    assert.ok(claim.identity.sessionId !== undefined && claim.spec.args.includes(claim.identity.sessionId));
    assert.equal(claim.spec.env.ORCH_ATTEMPT_MARKER, claim.identity.marker.split('=')[1]);
    assert.deepEqual([warm.claimed, warm.size], [1, 0]);
    assert.equal(warm.claim(req.attemptId, expectedFor(req), handlers), undefined, 'claimed once');
    claim.child.stdin?.end('the prompt');
    await until(() => !alive(claim.child.pid));
    // The claimant's now, to close when its CLI is done.
    claim.identity.tools?.close();
  });

  for (const [what, change, why] of [
    ['another model', { model: 'opus' }, 'arguments'],
    ['another environment', { env: { ORCH_RUN_ID: 'run-1', EXTRA: '1' } }, 'environment'],
    ['another system prompt (a file its argv names)', { systemPrompt: 'You are another agent.' }, 'files'],
    ['another folder', { cwd: tmpdir() }, 'working folder'],
  ] as const) {
    it(`stops the process when the dispatch would spawn ${what}, keeping the files the fresh spawn rewrites`, async () => {
      warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 500 });
      const req = request();
      await started(warm, req);
      const pid = findMarkedProcesses('ORCH_RUN_ID=run-1')[0];
      assert.equal(warm.claim(req.attemptId, expectedFor({ ...req, ...change }), handlers), undefined);
      assert.deepEqual(warm.misses, [why]);
      await warm.stopAll();
      assert.equal(alive(pid), false, 'the warm process is gone');
      assert.ok(existsSync(join(req.artifactsDir, 'PRD-1-T1-1.system-prompt.md')));
    });
  }

  it('stops a process nobody claimed within the idle limit, and does not start that attempt again', async () => {
    warm = new WarmStarts({ idleMs: 50, killGraceMs: 500 });
    const req = request();
    await started(warm, req);
    await until(() => !warm!.has(req.attemptId));
    await warm.stopAll();
    assert.equal(existsSync(join(req.artifactsDir, 'PRD-1-T1-1.mcp-config.json')), false, 'its files are gone');
    warm.start(req, { model: req.model });
    assert.equal(warm.has(req.attemptId), false);
    assert.equal(warm.claim(req.attemptId, expectedFor(req), handlers), undefined);
  });

  it('keeps only the attempts still next', async () => {
    warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 500 });
    const req = request();
    await started(warm, req);
    warm.keepOnly(new Set(['PRD-1/T1#1']));
    assert.ok(warm.has(req.attemptId));
    warm.keepOnly(new Set(['PRD-1/T2#1']));
    assert.equal(warm.has(req.attemptId), false);
  });

  it('names the first part in which two spawns differ', () => {
    const base = { binary: 'claude', args: ['-p'], env: { A: '1' }, cwd: '/w', files: [{ path: '/f', content: 'x' }] };
    assert.equal(spawnDifference(base, { ...base }), undefined);
    assert.equal(spawnDifference(base, { ...base, files: [{ path: '/f', content: 'y' }] }), 'files');
    assert.equal(spawnDifference(base, { ...base, binary: 'other' }), 'binary');
  });
});
