// Live delivery on the real claude CLI's stdin: a message sent while a tool call runs is in the
// very next model request; one sent while the agent writes its final answer is not written (it
// would start a turn of its own), stays pending, and the CLI still ends with its one result.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAttempt } from '../../src/orchestrator/runner/run-attempt';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { finish, slow, steps, useTool } from '../../src/scripted-model/scenarios';
import { CLAUDE_BIN } from '../support/claude-harness';
import { collector, useRunnerSandbox } from '../support/runner-harness';
import { twoTaskHub } from '../support/two-task-hub';

const SENDER = { taskId: 'PRD-1/T1', agent: 'sender' };
const RECIPIENT = { taskId: 'PRD-1/T2', agent: 'receiver', attemptId: 'PRD-1/T2#1' };

describe('runner: live delivery on the CLI stdin (real claude CLI)', function () {
  this.timeout(120_000);
  const box = useRunnerSandbox();
  let server: ScriptedModelServer | undefined;
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-live-'));
  });
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a message sent during a tool call into the next request, and keeps one sent during the final answer for later', async () => {
    // The final answer takes 2 s: time to send the second message while it is being written.
    server = await startScriptedModel({ scenario: steps([useTool('Bash', { command: 'sleep 1' })], slow(2_000, finish('All done.'))) });
    const { hub, log, events } = await twoTaskHub(dir);
    const c = collector();
    let sent: Promise<unknown> | undefined;
    const out = await runAttempt(
      { ...box.request(server.url, { attemptId: RECIPIENT.attemptId, taskId: RECIPIENT.taskId, timeoutSec: 60 }), messaging: hub.portFor(RECIPIENT) },
      (e) => {
        c.emit(e);
        if (sent === undefined && e.type === 'attempt.activity' && e.activity.kind === 'tool-call') {
          sent = (async () => {
            await hub.send(SENDER, 'T2', 'first: sent while the tool runs');
            const carried = await server!.waitFor((r) => JSON.stringify(r.body).includes('first: sent while the tool runs'), 30_000);
            // That request is the final answer's: it is being written now.
            assert.equal(carried.parsed?.turnSincePrompt, 1);
            await hub.send(SENDER, 'T2', 'second: sent during the final answer');
          })();
        }
      },
    );
    await sent;
    await log.close();
    assert.equal(out.outcome, 'succeeded', out.message);
    const requests = server.modelRequests();
    assert.equal(requests.length, 2, 'no turn of its own for the second message');
    assert.ok(!JSON.stringify(requests.map((r) => r.body)).includes('second: sent'), 'the second message never reached the model');
    const delivered = events.filter((e) => e.type === 'message.delivered');
    assert.deepEqual(
      delivered.map((e) => (e.type === 'message.delivered' ? [e.messageId, e.via, e.attemptId] : [])),
      [['m1', 'live', RECIPIENT.attemptId]],
      'only the first is delivered; the second waits for a next attempt or is returned',
    );
    assert.equal(c.activities('init').length, 1);
  });

  it('runs a --claude-path wrapper that reads all of its input first: stdin ends once the CLI stays silent, and the attempt succeeds', async () => {
    server = await startScriptedModel({ scenario: steps([useTool('Bash', { command: 'true' })], finish('All done.')) });
    const { hub, log } = await twoTaskHub(dir);
    const wrapper = join(dir, 'claude-wrapper.sh');
    // What a wrapper script may do: take the whole input, then hand it to the real CLI.
    writeFileSync(wrapper, `#!/bin/sh\ninput=$(cat)\nprintf '%s\\n' "$input" | exec ${JSON.stringify(CLAUDE_BIN)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const c = collector();
    const out = await runAttempt(
      { ...box.request(server.url, { attemptId: RECIPIENT.attemptId, taskId: RECIPIENT.taskId, timeoutSec: 60, inactivityTimeoutSec: 30, claudePath: wrapper, silenceMs: 1_500 }), messaging: hub.portFor(RECIPIENT) },
      c.emit,
    );
    await log.close();
    assert.equal(out.outcome, 'succeeded', out.message);
    assert.equal(server.modelRequests().length, 2);
    assert.ok(
      (c.activities('warning') as { message: string }[]).some((a) => /wrote nothing in the 1\.5 s after its prompt/.test(a.message)),
      'the user is told why live messages wait for the next attempt',
    );
  });
});
