// Agents that talk, end to end: three tasks run at once with the real claude CLI against the
// scripted model. T1 sends T2 a message while T2 is in the middle of a multi-step turn, names
// an unknown recipient, writes to a task that has not started, and broadcasts to its PRD; T5
// starts later and writes to a task that has finished. One run, many assertions.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrchEvent } from '../../src/protocol/events';
import type { MessageSent } from '../../src/protocol/events-messages';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { markerScenario } from '../../src/scripted-model/markers';
import type { RecordedRequest } from '../../src/scripted-model/server';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';

// A task's Bash step that holds its turn until the run's log has a `<word>Id` key (not the
// word itself, which the log holds as soon as the Bash call is recorded): no timing guesses.
const WAIT_FOR = `#!/bin/sh
n=0
while [ $n -lt 900 ]; do
  grep -q "$1Id" "../../runs/$ORCH_RUN_ID/events.jsonl" 2>/dev/null && exit 0
  n=$((n+1)); sleep 0.1
done
exit 1
`;

function tool(name: string, input: Record<string, unknown>): string {
  return `[[scripted:tool name=${name} input='${JSON.stringify(input)}']]`;
}

function waitStep(pattern: string): string {
  return tool('Bash', { command: `sh prds/wait-for.sh ${pattern}` });
}

const BROADCAST_SENT = 'broadcast';

const PRD = `---
id: PRD-1
milestone: "1.1"
title: Talking tasks
tasks:
  - id: T1
    title: Sender
    agent: backend-engineer
    description: |
      ${tool('mcp__orch__send_message', { to: 'bakend-enginer', text: 'lost?' })}
      ${tool('mcp__orch__send_message', { to: 'T2', text: 'Use port 4321 for the API' })}
      ${tool('mcp__orch__send_message', { to: 'T5', text: 'Remember the changelog' })}
      ${tool('mcp__orch__broadcast', { scope: 'prd', text: 'Schema frozen at v2' })}
      [[scripted:write-file path=a.txt content="a"]]
    verify:
      - file: a.txt
  - id: T2
    title: Receiver
    agent: frontend-engineer
    phase: implementation
    description: |
      ${waitStep(BROADCAST_SENT)}
      [[scripted:write-file path=b.txt content="b"]]
    verify:
      - file: b.txt
  - id: T3
    title: Bystander
    agent: qa-engineer
    phase: implementation
    description: |
      ${waitStep(BROADCAST_SENT)}
      [[scripted:write-file path=c.txt content="c"]]
    verify:
      - file: c.txt
  - id: T5
    title: Latecomer
    agent: backend-engineer
    depends: [T3]
    description: |
      ${tool('mcp__orch__send_message', { to: 'PRD-1/T3', text: 'Too late for you' })}
      [[scripted:write-file path=e.txt content="e"]]
    verify:
      - file: e.txt
---
# PRD-1
`;

describe('messages between running agents (real claude CLI)', function () {
  this.timeout(240_000);
  let dir: string;
  let fx: EngineFixture;
  let events: OrchEvent[];
  let run: RunSnapshot;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-messages-'));
    fx = await engineFixture(dir, { 'prd-1.md': PRD, 'wait-for.sh': WAIT_FOR }, markerScenario());
    const outcome = await fx.run({ parallel: 3 });
    events = fx.events(outcome.runId);
    run = foldEvents(events)!;
  });
  after(async () => {
    await fx?.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sent = (): MessageSent[] => events.filter((e): e is MessageSent => e.type === 'message.sent');
  const requestsOf = (n: string): RecordedRequest[] => fx.model.modelRequests().filter((r) => r.parsed?.cwd?.endsWith(`PRD-1-T${n}`) ?? false);

  it('verifies every task', () => {
    assert.deepEqual(
      run.taskOrder.map((id) => `${id} ${run.tasks[id]!.state}`),
      ['PRD-1/T1 verified', 'PRD-1/T2 verified', 'PRD-1/T3 verified', 'PRD-1/T5 verified'],
      JSON.stringify(run.warnings),
    );
  });

  it('puts a message into the recipient\'s next model request, before its turn ends', () => {
    const m = sent().find((e) => e.text === 'Use port 4321 for the API');
    assert.ok(m, 'the message was recorded');
    assert.equal(m.to, 'PRD-1/T2');
    const t2 = requestsOf('2');
    const first = t2.findIndex((r) => JSON.stringify(r.body).includes('Use port 4321 for the API'));
    assert.ok(first > 0, `T2's requests: ${t2.length}, first with the message: ${first}`);
    // The request right after T2's waiting Bash call, with T2's write and closing turns still to come.
    assert.equal(t2[first]!.parsed!.turnSincePrompt, 1);
    assert.ok(t2.slice(first + 1).length >= 1, 'T2 went on in the same turn after receiving it');
    const delivered = events.find((e) => e.type === 'message.delivered' && e.messageId === m.messageId);
    assert.equal(delivered?.type === 'message.delivered' ? delivered.via : undefined, 'live');
    assert.equal(run.messages?.find((x) => x.id === m.messageId)?.state, 'delivered');
  });

  it('refuses an unknown recipient, listing the valid names, and records nothing for it', () => {
    const results = Object.values(run.attempts).filter((a) => a.taskId === 'PRD-1/T1').flatMap((a) => a.activity);
    const refused = results.find((a) => a.kind === 'tool-result' && a.isError && a.text.includes('unknown recipient'));
    assert.ok(refused?.kind === 'tool-result', 'the tool answered with an error');
    for (const name of ['backend-engineer', 'frontend-engineer', 'PRD-1/T2', 'person']) assert.ok(refused.text.includes(name), refused.text);
    assert.equal(sent().some((e) => e.to.includes('bakend')), false);
  });

  it('broadcasts to every unfinished task of the PRD: live to the running ones, in the brief of the one not started', () => {
    const b = sent().filter((e) => e.kind === 'broadcast');
    assert.deepEqual(b.map((e) => e.to).sort(), ['PRD-1/T2', 'PRD-1/T3', 'PRD-1/T5']);
    const via = (to: string) => run.messages?.find((x) => x.kind === 'broadcast' && x.to === to)?.via;
    assert.equal(via('PRD-1/T2'), 'live');
    assert.equal(via('PRD-1/T3'), 'live');
    assert.equal(via('PRD-1/T5'), 'brief');
    for (const t of ['2', '3']) assert.ok(requestsOf(t).some((r) => JSON.stringify(r.body).includes('Schema frozen at v2')), `T${t} got the broadcast`);
  });

  it('puts a message to a task that has not started into its brief', () => {
    const t5 = Object.values(run.attempts).find((a) => a.taskId === 'PRD-1/T5');
    assert.ok(t5);
    assert.ok(t5?.prompt.includes('Remember the changelog'), t5?.prompt);
    const m = run.messages?.find((x) => x.text === 'Remember the changelog');
    assert.equal(m?.state, 'delivered');
    assert.equal(m?.attemptId, t5.id);
  });

  it('returns a message to a finished task, with the reason, and tells the sender', () => {
    const m = run.messages?.find((x) => x.text === 'Too late for you');
    assert.equal(m?.state, 'returned');
    assert.match(m.reason ?? '', /PRD-1\/T3 has finished \(verified\)/);
    const answer = Object.values(run.attempts).filter((a) => a.taskId === 'PRD-1/T5').flatMap((a) => a.activity).find((a) => a.kind === 'tool-result' && a.text.includes('returned'));
    assert.ok(answer, 'the sender was told the message was returned');
  });

  it('leaves every message delivered, read or returned', () => {
    assert.deepEqual((run.messages ?? []).filter((m) => m.state === 'pending').map((m) => m.id), []);
  });
});
