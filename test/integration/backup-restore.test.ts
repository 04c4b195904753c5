import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { RecordedRequest } from '../../src/scripted-model/server';
import { runCli } from '../../src/cli/run-cli';
import { gitOk } from '../../src/orchestrator/engine/git';
import { foldEvents } from '../../src/protocol/fold';
import type { BackupManifest } from '../../src/orchestrator/backup/backup-manifest';
import type { OrchEvent } from '../../src/protocol/events';
import { CLAUDE_BIN } from '../support/claude-harness';
import { engineFixture, REPO_ROOT, setGitIdentity, type EngineFixture } from '../support/engine-fixture';

const PRD = `---
id: PRD-B
milestone: "1.1"
title: Back me up
tasks:
  - id: T1
    title: First file
    description: Write one.txt.
    agent: backend-engineer
    verify:
      - file: one.txt
  - id: T2
    title: Second file
    description: Write two.txt.
    agent: backend-engineer
    depends: [T1]
    verify:
      - file: two.txt
---
`;

function taskOf(r: RecordedRequest): string | undefined {
  return /## Task (\S+):/.exec(r.parsed?.userText ?? '')?.[1];
}

/** T2's first attempt writes its file, then answers slowly: the backup is taken in between. */
function scenario(): Scenario {
  let slowOnce = true;
  return (request, context) => {
    const task = /## Task (\S+):/.exec(request.userText)?.[1];
    const file = task === 'T1' ? 'one.txt' : 'two.txt';
    if (turnsSinceLastInstruction(request) === 0) return writeTool(file, `${file} content\n`)(request, context);
    if (task === 'T2' && slowOnce) {
      slowOnce = false;
      return slow(6000, textReply(`Wrote ${file}.`))(request, context);
    }
    return textReply(`Wrote ${file}.`);
  };
}

function finish(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

function parseLog(file: string): OrchEvent[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent);
}

describe('orch backup during a live run, orch restore into another folder, orch resume', function () {
  this.timeout(180_000);
  let dir = '';
  let fx: EngineFixture;
  let restored = '';
  let archive = '';
  let runId = '';
  let seqInBackup = 0;
  let backupOut = '';
  let t1Requests = 0;
  let resumed: { code: number | null; out: string; err: string };

  // `orch` on any workspace, with the fixture's model and throwaway HOME.
  const orchIn = (workspace: string, args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
    spawn(process.execPath, ['--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs'), join(REPO_ROOT, 'src/cli/main.ts'), ...args, '--workspace', workspace], {
      cwd: workspace,
      env: { ...fx.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  // The same commands in this process: what the CLI runs, without a process start each.
  async function cli(workspace: string, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...args, '--workspace', workspace], { cwd: workspace, env: fx.env, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-backup-'));
    fx = await engineFixture(dir, { 'b.md': PRD }, scenario());
    restored = join(dir, 'restored');
    archive = join(dir, 'out', 'live.tar.gz');
    const run = finish(fx.orch(['run', 'roadmap.md', '--no-dashboard']));
    // T2 wrote two.txt (its tool result is in this request) and the model is answering slowly.
    await fx.model.waitFor((r) => taskOf(r) === 'T2' && r.parsed !== undefined && turnsSinceLastInstruction(r.parsed) > 0, 90_000);
    // The CLI writes its session file on its own schedule, which can lag its requests on a busy
    // machine: a backup carries the sessions saved by then, so the test waits for T2's.
    const sessions = join(fx.env.HOME ?? '', '.claude', 'projects');
    const saved = () => existsSync(sessions) && readdirSync(sessions).some((d) => d.endsWith('PRD-B-T2') && readdirSync(join(sessions, d)).some((f) => f.endsWith('.jsonl')));
    for (let waited = 0; !saved() && waited < 30_000; waited += 50) await sleep(50);
    const backup = await cli(fx.workspace, ['backup', '--out', archive]);
    assert.equal(backup.code, 0, backup.err);
    backupOut = backup.out;
    const original = await run;
    assert.equal(original.code, 0, original.out + original.err);
    runId = readdirSync(join(fx.workspace, '.orch', 'runs'))[0]!;
    const restore = await cli(fx.workspace, ['restore', archive, '--into', restored]);
    assert.equal(restore.code, 0, restore.err);
    seqInBackup = Number(/at event (\d+)/.exec(restore.out)?.[1]);
    // A user's own git identity (global config) goes with them; the throwaway HOME has none.
    await setGitIdentity(restored);
    t1Requests = fx.model.modelRequests().filter((r) => taskOf(r) === 'T1').length;
    resumed = await finish(orchIn(restored, ['resume', runId, '--no-dashboard', '--claude-path', CLAUDE_BIN]));
  });

  after(async () => {
    await fx.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the live run cut at a sequence number, with the uncommitted work and the session of the running task', async () => {
    assert.match(backupOut, new RegExp(`runs: ${runId} \\(running, \\d+ events\\)`));
    assert.ok(seqInBackup > 0 && seqInBackup < parseLog(fx.eventsFile()!).length, `backup at seq ${seqInBackup}`);
    const listing = await finish(spawn('tar', ['tzf', archive]));
    assert.equal(listing.code, 0, 'system tar reads the archive');
    for (const entry of ['orch-backup/manifest.json', `workspace/.orch/runs/${runId}/events.jsonl`, 'orch-backup/git.bundle', 'workspace/.orch/orch.json', 'orch-backup/sums.json']) {
      assert.ok(listing.out.split('\n').includes(entry), `${entry} in\n${listing.out}`);
    }
    const manifest = JSON.parse((await finish(spawn('tar', ['xzOf', archive, 'orch-backup/manifest.json']))).out) as BackupManifest;
    assert.deepEqual(manifest.runs, [{ runId, lastSeq: seqInBackup, state: 'running' }]);
    // T2's worktree held two.txt, not yet committed: it is kept as a commit on T2's branch.
    assert.deepEqual(manifest.git?.wip.map((w) => w.branch), [`orch/${runId}/PRD-B-T2`]);
    assert.equal(manifest.sessions.length, 1, 'the Claude session T2 would continue');
  });

  it('restores a log that folds to the same snapshot as the live log at that sequence number', () => {
    // The resume appended to the restored log: its first events are the backup's.
    const original = parseLog(fx.eventsFile()!).slice(0, seqInBackup);
    const restoredLog = parseLog(join(restored, '.orch', 'runs', runId, 'events.jsonl')).slice(0, seqInBackup);
    assert.deepEqual(restoredLog, original);
    const snapshot = foldEvents(original)!;
    assert.equal(snapshot.tasks['PRD-B/T1']?.state, 'verified');
    assert.equal(snapshot.tasks['PRD-B/T2']?.state, 'running');
    assert.deepEqual(foldEvents(restoredLog), snapshot);
  });

  it('resumes the restored run to the same verified results, never re-running the verified task', async () => {
    assert.equal(resumed.code, 0, resumed.out + resumed.err);
    assert.equal(fx.model.modelRequests().filter((r) => taskOf(r) === 'T1').length, t1Requests, 'T1 was verified before the backup');
    const status = JSON.parse((await cli(restored, ['status', runId, '--json'])).out) as { state: string; tasks: { id: string; state: string; attempts: number }[] };
    assert.equal(status.state, 'completed');
    assert.deepEqual(status.tasks.map((t) => [t.id, t.state]), [['T1', 'verified'], ['T2', 'verified']]);
    // The interrupted attempt, then one that continues its Claude session, found under the restored folder's name.
    assert.equal(status.tasks[1]?.attempts, 2, resumed.out);
    assert.doesNotMatch(resumed.out, /No conversation found/);
    const branch = `orch/${runId}/integration`;
    for (const file of ['one.txt', 'two.txt', 'roadmap.md']) {
      assert.equal(await gitOk(restored, ['show', `${branch}:${file}`]), await gitOk(fx.workspace, ['show', `${branch}:${file}`]), `${file} on ${branch}`);
    }
  });

  it('refuses to restore over newer state without --force, and replaces it with --force', async () => {
    const refused = await cli(fx.workspace, ['restore', archive, '--into', restored]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /newer state than the backup: \.orch\/runs\/[^ ]+\/events\.jsonl has \d+ event\(s\)/);
    assert.match(refused.err, /--force/);
    assert.ok(parseLog(join(restored, '.orch', 'runs', runId, 'events.jsonl')).length > seqInBackup, 'nothing changed');
    const forced = await cli(fx.workspace, ['restore', archive, '--into', restored, '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.equal(parseLog(join(restored, '.orch', 'runs', runId, 'events.jsonl')).length, seqInBackup);
  });

  it('leaves nothing under the final name when killed with SIGKILL mid-backup', async () => {
    const out = join(dir, 'killed', 'k.tar.gz');
    const child = orchIn(fx.workspace, ['backup', '--out', out], { ORCH_TEST_PAUSE_AT: 'backup-before-end' });
    const marker = join(dir, 'killed', 'orch-paused-at-backup-before-end');
    for (let waited = 0; !existsSync(marker) && waited < 60_000; waited += 100) await sleep(100);
    assert.ok(existsSync(marker), 'the backup reached the end of its entries');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(existsSync(out), false);
    assert.ok(readdirSync(join(dir, 'killed')).some((f) => f.endsWith('.partial')), 'the partial archive has its own name');
    const again = await cli(fx.workspace, ['backup', '--out', out]);
    assert.equal(again.code, 0, again.err);
    assert.ok(existsSync(out));
  });
});
