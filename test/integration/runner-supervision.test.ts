import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { hang, steps, useTool } from '../../src/scripted-model/scenarios';
import { collector, eventually, liveMarked, useRunnerSandbox } from '../support/runner-harness';

// The Bash tool runs commands in sessions of their own; `setsid` escapes even that.
const BUSY_TOOLS = useTool('Bash', { command: 'setsid sleep 301 & sleep 302', description: 'wait a long time' });

describe('runner: supervision leaves no process behind', () => {
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  afterEach(async () => server?.close());

  const processes = (): string[] => liveMarked(box.marker);
  const busy = (): boolean => {
    const p = processes();
    return p.some((l) => l.includes('sleep 302')) && p.some((l) => l.includes('sleep 301'));
  };

  it('cancellation stops the CLI and its tool processes, even a setsid one', async () => {
    server = await startScriptedModel({ scenario: steps([BUSY_TOOLS]) });
    const abort = new AbortController();
    const running = runAttempt(box.request(server.url, { signal: abort.signal }), () => undefined);
    assert.ok(await eventually(busy, 20_000), `tools never started: ${processes().join('; ')}`);
    abort.abort();
    const out = await running;
    assert.equal(out.failure, 'cancelled');
    assert.match(out.message ?? '', /^cancelled after \d+\.\d s; the agent's processes were stopped$/);
    assert.deepEqual(processes(), []);
  });

  it('a successful agent that leaves a background job behind: Orch stops it and says so', async () => {
    server = await startScriptedModel({
      scenario: steps([useTool('Bash', { command: 'setsid sleep 303 > /dev/null 2>&1 &', description: 'start a server' })]),
    });
    const c = collector();
    const out = await runAttempt(box.request(server.url), c.emit);
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.match((c.activities('warning')[0] as { message: string } | undefined)?.message ?? '', /left 1 process\(es\) running after it exited/);
    assert.deepEqual(processes(), []);
  });

  // Limits leave the CLI time to start on a loaded 2-core machine (init can take over a second).
  it('the wall-clock timeout ends a hanging model call: timeout, nothing left', async () => {
    server = await startScriptedModel({ scenario: hang() });
    // 15 s: at a load of 30 on two cores the CLI has taken over 5 s to send its first request.
    const running = runAttempt(box.request(server.url, { timeoutSec: 15, inactivityTimeoutSec: 30 }), () => undefined);
    await server.waitFor((r) => r.replyKind === 'hang', 15_000);
    assert.ok(processes().length > 0, 'the CLI runs while its model call hangs');
    // Orch's MCP tools are served by Orch itself: no Node process of ours per attempt.
    assert.deepEqual(processes().filter((l) => l.split(' ')[1] === process.execPath), []);
    const out = await running;
    assert.equal(out.failure, 'timeout');
    assert.match(out.message ?? '', /no result within the 15 s attempt timeout/);
    assert.deepEqual(processes(), []);
  });

  it('the inactivity timeout ends a silent agent: inactivity, nothing left', async () => {
    server = await startScriptedModel({ scenario: hang() });
    const c = collector();
    // 12 s, not less: at a load of 30 on two cores the CLI alone has taken over 6 s to say init.
    const out = await runAttempt(box.request(server.url, { timeoutSec: 40, inactivityTimeoutSec: 12 }), c.emit);
    assert.equal(out.failure, 'inactivity');
    assert.match(out.message ?? '', /no output for 12 s \(inactivity timeout\)/);
    assert.equal(c.activities('init').length, 1, 'the session had started');
    assert.equal(server.modelRequests()[0]?.replyKind, 'hang');
    assert.deepEqual(processes(), []);
  });

  for (const dieBy of ['uncaught', 'SIGTERM'] as const) {
    it(`Orch dying (${dieBy === 'uncaught' ? 'an uncaught error' : 'SIGTERM'}) takes its agents with it`, async () => {
      server = await startScriptedModel({ scenario: steps([BUSY_TOOLS]) });
      const orch = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, '../support/orch-dies-mid-attempt.ts')], {
        env: { ...process.env, ATTEMPT_JSON: JSON.stringify(box.request(server.url)) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      orch.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<[number | null, string | null]>((done) => orch.on('exit', (code, sig) => done([code, sig])));
      assert.ok(await eventually(busy, 20_000), `tools never started: ${processes().join('; ')} ${stderr}`);
      orch.kill(dieBy === 'SIGTERM' ? 'SIGTERM' : 'SIGUSR2');
      const [code, sig] = await exited;
      if (dieBy === 'uncaught') {
        assert.equal(code, 1);
        assert.match(stderr, /simulated Orch crash/);
      } else {
        assert.equal(sig, 'SIGTERM');
      }
      assert.ok(await eventually(() => processes().length === 0, 10_000), `left behind: ${processes().join('; ')}`);
    });
  }
});
