// A CLI started ahead of its attempt (the real claude CLI against the scripted model): the first
// try claims it when its spawn is exactly the one started, and spawns fresh otherwise.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { WarmStarts } from '../../src/orchestrator/runner/warm-starts';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { writeFile } from '../../src/scripted-model/scenarios';
import { collector, eventually, liveMarked, useRunnerSandbox } from '../support/runner-harness';

describe('runner: warm starts', function () {
  this.timeout(120_000);
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  let warm: WarmStarts | undefined;
  afterEach(async () => {
    await warm?.stopAll();
    await server?.close();
  });

  it('claims the process started for the same spawn: init says warm, the work is done, nothing is left', async () => {
    server = await startScriptedModel({ scenario: writeFile('a.txt', 'warm\n') });
    warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 1_000 });
    const req = box.request(server.url, { prompt: 'Write a.txt', messaging: undefined });
    warm.start({ ...req, prompt: '' }, { model: req.model });
    // Loaded and waiting: one process of the attempt's, and no model request without a prompt.
    assert.ok(await eventually(() => liveMarked(box.marker).length > 0, 10_000), 'the warm CLI started');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(server.modelRequests().length, 0, 'no model call before the prompt');
    const c = collector();
    const out = await runAttempt({ ...req, warmStarts: warm }, c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(readFileSync(join(box.cwd, 'a.txt'), 'utf8'), 'warm\n');
    const init = c.activities('init')[0] as { warm?: true; sessionId: string; tools: string[] };
    assert.equal(init.warm, true, 'the attempt ran on the warm process');
    assert.equal(out.sessionId, init.sessionId);
    assert.ok(init.tools.includes('mcp__orch__report_progress'), 'Orch tools served to the warm process');
    assert.deepEqual([warm.claimed, warm.misses], [1, []]);
    assert.deepEqual(liveMarked(box.marker), []);
  });

  it('stops the process when the dispatch would spawn another (a different model), and runs cold', async () => {
    server = await startScriptedModel({ scenario: writeFile('b.txt', 'cold\n') });
    warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 1_000 });
    const req = box.request(server.url, { prompt: 'Write b.txt', messaging: undefined });
    warm.start({ ...req, prompt: '' }, { model: 'haiku' });
    assert.ok(await eventually(() => liveMarked(box.marker).length > 0, 10_000), 'the warm CLI started');
    const firstPids = liveMarked(box.marker).map((l) => l.split(' ')[0]);
    const c = collector();
    const out = await runAttempt({ ...req, warmStarts: warm }, c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(readFileSync(join(box.cwd, 'b.txt'), 'utf8'), 'cold\n');
    assert.equal((c.activities('init')[0] as { warm?: true }).warm, undefined, 'a fresh process ran it');
    assert.deepEqual([warm.claimed, warm.misses], [0, ['arguments']]);
    await warm.stopAll();
    assert.deepEqual(liveMarked(box.marker).filter((l) => firstPids.includes(l.split(' ')[0])), [], 'the warm process is gone');
  });

  it('stops an unclaimed process and removes the files it was given', async () => {
    server = await startScriptedModel({ scenario: writeFile('c.txt', 'x\n') });
    warm = new WarmStarts({ idleMs: 60_000, killGraceMs: 1_000 });
    const req = box.request(server.url, { messaging: undefined });
    warm.start({ ...req, prompt: '' }, { model: req.model });
    assert.ok(await eventually(() => liveMarked(box.marker).length > 0, 10_000), 'the warm CLI started');
    const config = join(box.artifactsDir, 'PRD-1-T1-1.mcp-config.json');
    assert.ok(existsSync(config), 'its mcp config was written');
    warm.keepOnly(new Set());
    await warm.stopAll();
    assert.deepEqual(liveMarked(box.marker), []);
    assert.equal(existsSync(config), false, 'no file of an attempt that never started');
  });
});
