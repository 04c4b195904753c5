// A message survives kill -9: Orch dies after the message is on disk and before its recipient
// (a task that has not started) takes it; `orch resume` delivers it exactly once, in the
// recipient's brief.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { textReply } from '../../src/scripted-model/reply';
import { slow, useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { RecordedRequest } from '../../src/scripted-model/server';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const PRD = `---
id: PRD-M
milestone: "1.1"
title: Crash between send and delivery
tasks:
  - id: T1
    title: Sender
    description: Tell T2 something, then write one.txt.
    agent: backend-engineer
    verify:
      - file: one.txt
  - id: T2
    title: Receiver
    description: Write two.txt.
    agent: backend-engineer
    depends: [T1]
    verify:
      - file: two.txt
---
`;

const TEXT = 'Deliver me exactly once';

function taskOf(userText: string): string | undefined {
  return /## Task (\S+):/.exec(userText)?.[1];
}

describe('a message across kill -9 and orch resume (real claude CLI)', function () {
  this.timeout(180_000);
  const tmp = useTempDir('orch-messages-crash-');

  it('is delivered exactly once, into the brief of its recipient', async () => {
    let sent = false;
    // T1 sends once in all (its later attempt only writes); its next turn is slow, so Orch dies
    // with the message on disk and T2 not started.
    const scenario: Scenario = (request, context) => {
      if (taskOf(request.userText) === 'T2') return request.turnSincePrompt === 0 ? writeTool('two.txt', 'two\n')(request, context) : textReply('Wrote two.txt.');
      if (!sent) {
        sent = true;
        return useTool('mcp__orch__send_message', { to: 'T2', text: TEXT })(request, context);
      }
      const lastWasWrite = request.messages.at(-2)?.toolUses.some((t) => t.name === 'Write') ?? false;
      return lastWasWrite ? textReply('Wrote one.txt.') : slow(3000, writeTool('one.txt', 'one\n'))(request, context);
    };
    const fx = await engineFixture(tmp.path, { 'm.md': PRD }, scenario);
    try {
      const first = fx.orch(['run', 'roadmap.md', '--no-dashboard']);
      await killWhenLogShows(first, () => fx.eventsFile(), /"type":"message\.sent"/);
      const before = readEvents(fx.eventsFile()!);
      assert.equal(before.filter((e) => e.type === 'message.delivered').length, 0, 'killed before delivery');
      assert.equal(before.some((e) => e.type === 'attempt.started' && e.taskId === 'PRD-M/T2'), false);

      const resumed = await exitOf(fx.orch(['resume', '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      const events = readEvents(fx.eventsFile()!);
      const run = foldEvents(events)!;
      assert.equal(run.state, 'completed');
      const mine = events.filter((e) => e.type === 'message.sent' && e.text === TEXT);
      assert.equal(mine.length, 1, 'sent once');
      const id = mine[0]!.type === 'message.sent' ? mine[0]!.messageId : '';
      const deliveries = events.filter((e) => e.type === 'message.delivered' && e.messageId === id);
      assert.equal(deliveries.length, 1, 'delivered once');
      assert.deepEqual(run.messages?.map((m) => [m.id, m.state, m.via, m.attemptId]), [[id, 'delivered', 'brief', 'PRD-M/T2#1']]);
      const t2 = fx.model.modelRequests().filter((r: RecordedRequest) => taskOf(r.parsed?.userText ?? '') === 'T2');
      assert.ok(t2.length > 0);
      assert.ok(t2.every((r) => (r.parsed?.userText.split(TEXT).length ?? 0) - 1 === 1), 'the text is in T2\'s context once');
    } finally {
      await fx.model.close();
    }
  });
});

function readEvents(file: string): OrchEvent[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent);
}

async function killWhenLogShows(child: ChildProcess, file: () => string | undefined, pattern: RegExp): Promise<void> {
  for (let waited = 0; waited < 90_000; waited += 25) {
    const f = file();
    if (f !== undefined && existsSync(f) && pattern.test(readFileSync(f, 'utf8'))) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      return;
    }
    await sleep(25);
  }
  child.kill('SIGKILL');
  throw new Error(`never saw ${pattern.source}`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}
