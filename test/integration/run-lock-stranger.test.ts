import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, LockedError, processStartTime, type LockHolder } from '../../src/orchestrator/engine/run-lock';
import { REPO_ROOT } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { writeRun } from './server-harness';

function orch(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

// A lock left by an Orch killed with -9 whose pid now belongs to an unrelated process.
describe('a run lock whose pid was reused by another process', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let stranger: ChildProcess;
  beforeEach(() => {
    stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
  });
  afterEach(() => {
    stranger.kill('SIGKILL');
  });

  // The lock of a run that exists: its log says it started and never ended.
  async function writeLock(extra: Partial<LockHolder>): Promise<string> {
    const log = await writeRun(tmp.path, 'R1', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }]);
    await log.close();
    const file = join(tmp.path, '.orch', 'lock.json');
    mkdirSync(join(tmp.path, '.orch'), { recursive: true });
    const holder: LockHolder = { pid: stranger.pid!, host: hostname(), command: 'orch run', runId: 'R1', since: new Date().toISOString(), ...extra };
    writeFileSync(file, JSON.stringify(holder));
    return file;
  }

  for (const [kind, extra] of [
    ['a start time that is not the process', { startTime: 'proc:1' }],
    ['no start time (an older lock)', {}],
  ] as const) {
    it(`with ${kind}: 'orch pause' refuses (exit 2) and does not signal the stranger`, async () => {
      await writeLock(extra);
      const paused = await orch(['pause', 'R1', '--workspace', tmp.path]);
      assert.equal(paused.code, 2, paused.out);
      assert.match(paused.out, new RegExp(`no live Orch process holds run R1 \\(pid ${stranger.pid} is another process`));
      assert.ok(alive(stranger), 'the unrelated process is untouched');
      await orch(['cancel', 'R1', '--workspace', tmp.path]);
      assert.ok(alive(stranger), "'orch cancel' does not SIGTERM it either");
    });

    it(`with ${kind}: a new run takes the lock over`, async () => {
      const file = await writeLock(extra);
      const release = await acquireRunLock(file, { command: 'orch run', runId: 'R2' });
      const taken = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
      assert.equal(taken.pid, process.pid);
      assert.equal(taken.runId, 'R2');
      assert.equal(taken.startTime, processStartTime(process.pid));
      await release();
      assert.ok(alive(stranger));
    });
  }

  it('a lock whose holder is alive with the recorded start time is still held', async () => {
    const file = await writeLock({ startTime: processStartTime(stranger.pid!) });
    await assert.rejects(acquireRunLock(file, { command: 'orch run', runId: 'R2' }), LockedError);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as LockHolder).runId, 'R1');
  });
});
