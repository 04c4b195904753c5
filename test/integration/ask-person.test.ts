// ask_person end to end: the agent's tool call waits while its task shows as needing input;
// `orch answer` (another process) answers; the same session goes on with the answer as the
// tool's result, and the task verifies. `orch messages` shows the exchange.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { ASK_PERSON_QUESTION, askPersonPrd, askPersonScenario } from '../support/ask-person-scenario';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const PRD = askPersonPrd('PRD-Q');
const QUESTION = ASK_PERSON_QUESTION;
const scenario = askPersonScenario;

describe('ask_person answered with orch answer (real claude CLI)', function () {
  this.timeout(180_000);
  const tmp = useTempDir('orch-ask-');

  it('waits in needs-input, takes the answer in the same session, and verifies', async () => {
    const fx = await engineFixture(tmp.path, { 'q.md': PRD }, scenario);
    try {
      const run = exitOf(fx.orch(['run', 'roadmap.md', '--no-dashboard']));
      const asked = await waitForLog(fx, (events) => foldEvents(events)?.tasks['PRD-Q/T1']?.needsInput !== undefined);
      const waiting = foldEvents(asked)!.tasks['PRD-Q/T1']!;
      assert.equal(waiting.state, 'running');
      assert.equal(waiting.needsInput?.question, QUESTION);

      const listed = await exitOf(fx.orch(['messages']));
      assert.match(listed.out, /waiting for your answer: PRD-Q\/T1 asked \(m1\) "Which port should the API listen on\?"/);
      const answered = await exitOf(fx.orch(['answer', 'T1', 'Use 4321']));
      assert.equal(answered.code, 0, answered.out);

      const ended = await run;
      assert.equal(ended.code, 0, ended.out);
      const events = readEvents(fx.eventsFile()!);
      const state = foldEvents(events)!;
      assert.equal(state.tasks['PRD-Q/T1']?.state, 'verified');
      assert.equal(state.tasks['PRD-Q/T1']?.needsInput, undefined);
      assert.equal(state.tasks['PRD-Q/T1']?.attempts.length, 1, 'one attempt: the same session went on');
      const sessions = new Set(fx.model.modelRequests().map((r) => r.headers['x-claude-code-session-id']));
      assert.equal(sessions.size, 1);
      assert.deepEqual(state.messages?.map((m) => [m.id, m.kind, m.from, m.to, m.state, m.inReplyTo]), [
        ['m1', 'question', 'PRD-Q/T1', 'person', 'delivered', undefined],
        ['m2', 'answer', 'person', 'PRD-Q/T1', 'delivered', 'm1'],
      ]);
      assert.equal(state.messages?.[1]?.via, 'live');

      const json = JSON.parse((await exitOf(fx.orch(['messages', '--json']))).out) as { messages: { id: string }[]; questions: unknown[] };
      assert.deepEqual([json.messages.map((m) => m.id), json.questions], [['m1', 'm2'], []]);
      const again = await exitOf(fx.orch(['answer', 'PRD-Q/T1', 'Use 80']));
      assert.equal(again.code, 2);
      assert.match(again.out, /PRD-Q\/T1 has no open question in run \S+ \(it is verified\)/);
    } finally {
      await fx.model.close();
    }
  });
});

/** The run's events so far; a line still being written is left for the next look. */
function readEvents(file: string): OrchEvent[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as OrchEvent];
    } catch {
      return [];
    }
  });
}

async function waitForLog(fx: EngineFixture, done: (events: OrchEvent[]) => boolean): Promise<OrchEvent[]> {
  for (let waited = 0; waited < 90_000; waited += 50) {
    const file = fx.eventsFile();
    if (file !== undefined && existsSync(file)) {
      const events = readEvents(file);
      if (done(events)) return events;
    }
    await sleep(50);
  }
  throw new Error('the run never asked');
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}
