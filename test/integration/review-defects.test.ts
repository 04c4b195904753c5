import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutcome } from '../../src/orchestrator/engine/start-run';
import type { LessonRecord } from '../../src/orchestrator/store/orch-store';
import type { DefectState } from '../../src/protocol/events-defects';
import type { AttemptStarted, OrchEvent } from '../../src/protocol/events';
import { foldEvent } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { submitReview } from '../../src/scripted-model/review-scenarios';
import { absolutePath, finish, promptIncludes, route, steps, useTool, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { ScriptedRequest } from '../../src/scripted-model/scripted-request';
import { engineFixture, type EngineFixture } from '../support/engine-fixture';
import { exited } from '../support/process-exit';

const ROADMAP = `# Review roadmap

## Phase 1: Only phase

### Milestone 1.1: Greetings
**Duration:** 1 week

### Milestone 1.2: Notes
**Duration:** 1 day
`;

const PRD_A = `---
id: PRD-A
milestone: "1.1"
title: Greetings
tasks:
  - id: T1
    title: Greeting module
    description: Create greet.js with a function greet(name) that returns a hello, and a function farewell(name) that returns a goodbye.
    agent: backend-engineer
    review: true
    verify:
      - file: greet.js
  - id: T2
    title: Ready flag
    description: Write the word ready into t2.txt.
    agent: backend-engineer
    verify:
      - command: grep -q ready t2.txt
  - id: T3
    title: Done flag
    description: Write the word done into t3.txt.
    agent: backend-engineer
    model: opus
    verify:
      - command: grep -q done t3.txt
---
# Greetings
`;

const PRD_B = `---
id: PRD-B
milestone: "1.2"
title: Notes
tasks:
  - id: T1
    title: Release notes
    description: Write notes.txt with one line about the greeting module.
    agent: backend-engineer
    verify:
      - file: notes.txt
  - id: T2
    title: Changelog
    description: Write changelog.txt with one line.
    agent: backend-engineer
    review: true
    verify:
      - file: changelog.txt
---
# Notes
`;

const FINDING = 'greet.js has no farewell() although the brief asks for greet and farewell';

// The reviewer judges the diff it is shown: without a farewell function it asks for one.
const reviewer: Scenario = steps(
  [(r, c) => (r.userText.includes('+function farewell') ? submitReview('approve', [], 'greet and farewell are both there, as the brief asks.') : submitReview('request-changes', [{ text: FINDING, file: 'greet.js', line: 1 }], 'Only greet() was written.'))(r, c)],
  finish('Reviewed.'),
);

// An agent new to the worktree reads a file before it overwrites it, as the CLI's Write tool requires.
const readTool = (path: string): Scenario => useTool('Read', (r) => ({ file_path: absolutePath(path, r) }));

const reworks = (r: ScriptedRequest): number => r.userText.split('was not accepted').length - 1;

// The author forgets farewell() until the rework names it; T2's author gets the flag right only on its third try.
const author: Scenario = route(
  [
    // This reviewer only talks: it never hands in a verdict.
    { when: promptIncludes('Review the work on task T2 of PRD-B'), then: finish('Looks fine to me.') },
    { when: promptIncludes('Review the work on task'), then: reviewer },
    // Run 2's tasks before the others: their briefs' lessons name t2.txt or t3.txt.
    { when: promptIncludes('Write notes.txt'), then: steps([writeTool('notes.txt', 'greet and farewell\n')], finish('Wrote notes.txt.')) },
    { when: promptIncludes('Write changelog.txt'), then: steps([writeTool('changelog.txt', 'first release\n')], finish('Wrote changelog.txt.')) },
    // The author never gets t3.txt right; the agent its defect is escalated to does.
    {
      when: promptIncludes('t3.txt'),
      then: (r, c) => (r.system.includes('You are a staff engineer') ? steps([readTool('t3.txt'), writeTool('t3.txt', 'done\n')], finish('Read t3.txt and wrote done.')) : steps([writeTool('t3.txt', 'draft\n')], finish('Wrote t3.txt.')))(r, c),
    },
    {
      when: promptIncludes('t2.txt'),
      then: (r, c) => steps([writeTool('t2.txt', reworks(r) >= 2 ? 'ready\n' : 'not yet\n')], finish('Wrote t2.txt.'))(r, c),
    },
  ],
  (r, c) =>
    steps(
      [writeTool('greet.js', reworks(r) > 0 ? 'function greet(name) { return `Hello, ${name}!`; }\nfunction farewell(name) { return `Goodbye, ${name}!`; }\n' : 'function greet(name) { return `Hello, ${name}!`; }\n')],
      finish(reworks(r) > 0 ? 'Added farewell() next to greet().' : 'Wrote greet().'),
    )(r, c),
);

function statesOf(events: readonly OrchEvent[], defectId: string): DefectState[] {
  const seen: DefectState[] = [];
  let state: RunSnapshot | undefined;
  for (const e of events) {
    state = foldEvent(state, e);
    const now = state.defects?.[defectId]?.state;
    if (now !== undefined && seen.at(-1) !== now) seen.push(now);
  }
  return seen;
}

describe('leader review, the defect lifecycle and lessons, with the real claude CLI', function () {
  this.timeout(600_000);
  let dir: string;
  let fixture: EngineFixture;
  let first: RunOutcome;
  let second: RunOutcome;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-review-'));
    fixture = await engineFixture(dir, { 'a.md': PRD_A, 'b.md': PRD_B }, author, ROADMAP);
    first = await fixture.run({ milestones: ['1.1'], parallel: 3 });
    second = await fixture.run({ milestones: ['1.2'] });
  });

  after(async () => {
    await fixture?.model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the reviewer requests changes on work that passes its checks but misses the brief; the rework follows and is approved', () => {
    assert.equal(first.result, 'completed', JSON.stringify(first.snapshot.tasks, null, 1));
    const t1 = first.snapshot.tasks['PRD-A/T1']!;
    assert.deepEqual(t1.reviews?.map((r) => [r.attemptId, r.reviewer, r.verdict]), [
      ['PRD-A/T1#1', 'reviewer', 'request-changes'],
      ['PRD-A/T1#2', 'reviewer', 'approve'],
    ]);
    assert.deepEqual(t1.reviews?.[0]?.findings, [{ text: FINDING, file: 'greet.js', line: 1 }]);
    assert.equal(t1.reviews?.[0]?.reasoning, 'Only greet() was written.');
    // The first attempt's file check passed: only the review sent it back.
    const events = fixture.events(first.runId);
    const raised = events.find((e) => e.type === 'defect.raised' && e.taskId === 'PRD-A/T1');
    assert.ok(raised?.type === 'defect.raised');
    assert.deepEqual(raised.checks.map((c) => [c.check, c.passed]), [['file greet.js', true], ['review by reviewer', false]]);
    // The rework resumes the author's session with the finding, file:line included.
    const rework = first.snapshot.attempts['PRD-A/T1#2']!;
    assert.equal(rework.resumeOf, 'PRD-A/T1#1');
    assert.equal(rework.agent, 'backend-engineer');
    assert.match(rework.prompt, /the reviewer reviewer requested changes/);
    assert.ok(rework.prompt.includes(`greet.js:1: ${FINDING}`), rework.prompt);
    // The reviewer saw the diff and the passed check, and it is never the author.
    const reviewStart = events.find((e): e is AttemptStarted => e.type === 'attempt.started' && e.attemptId === 'review/PRD-A/T1#1');
    assert.ok(reviewStart?.prompt.includes('+function greet(name)') === true);
    assert.ok(reviewStart.prompt.includes('- file greet.js: greet.js exists'));
    assert.notEqual(reviewStart.agent, t1.agent);
  });

  it('defects move through their states with triage, an owner, escalation and times', () => {
    const events = fixture.events(first.runId);
    const defects = Object.values(first.snapshot.defects ?? {});
    const review = defects.find((d) => d.taskId === 'PRD-A/T1');
    const check = defects.find((d) => d.taskId === 'PRD-A/T2');
    assert.equal(defects.length, 3, JSON.stringify(defects, null, 1));
    assert.ok(review !== undefined && check !== undefined);
    assert.deepEqual([review.source, review.category, review.severity, review.owner.agent, review.state], ['review', 'requirements', 'major', 'backend-engineer', 'closed']);
    assert.deepEqual([check.source, check.category, check.severity, check.state, check.recurrences], ['check', 'command', 'critical', 'closed', 1]);
    assert.deepEqual(check.attempts, ['PRD-A/T2#2', 'PRD-A/T2#3']);
    assert.deepEqual(statesOf(events, check.id), ['open', 'fixing', 'open', 'fixing', 'verified', 'closed']);
    assert.deepEqual(statesOf(events, review.id), ['open', 'fixing', 'verified', 'closed']);
    // Each escalation hands the rework to a stronger model than the owner had.
    assert.ok(check.escalations.length >= 1, JSON.stringify(check));
    for (const e of check.escalations) assert.notEqual(e.from.model, e.to.model);
    assert.equal(check.owner.model, check.escalations.at(-1)?.to.model);
    // A pinned model cannot go up: after its second failed fix the defect goes to another agent, which starts afresh.
    const pinned = defects.find((d) => d.taskId === 'PRD-A/T3')!;
    assert.deepEqual(pinned.escalations.map((e) => [e.from.agent, e.to.agent, e.to.model]), [['backend-engineer', 'staff-engineer', 'opus']]);
    assert.deepEqual([pinned.state, pinned.recurrences, pinned.owner.agent], ['closed', 1, 'staff-engineer']);
    const takeover = first.snapshot.attempts['PRD-A/T3#3']!;
    assert.deepEqual([takeover.agent, takeover.resumeOf], ['staff-engineer', 'PRD-A/T3#2']);
    assert.match(takeover.prompt, /^You are working on task T3[\s\S]*was not accepted/);
    for (const d of defects) {
      assert.ok(Date.parse(d.detectedAt) >= Date.parse(d.workEndedAt!));
      assert.ok(Date.parse(d.resolvedAt!) >= Date.parse(d.detectedAt));
      assert.match(d.lesson ?? '', new RegExp(`^\\[${d.category}\\] `));
    }
  });

  it('a closed defect leaves a lesson in orch.json that the next run\'s brief for the same agent carries', () => {
    const lessons = (JSON.parse(readFileSync(join(fixture.workspace, '.orch', 'orch.json'), 'utf8')) as { lessons: LessonRecord[] }).lessons;
    assert.deepEqual(lessons.map((l) => [l.agent, l.category]).sort(), [['backend-engineer', 'command'], ['backend-engineer', 'command'], ['backend-engineer', 'requirements']]);
    assert.ok(lessons.find((l) => l.category === 'requirements')?.fixed.includes('Added farewell()'));
    assert.equal(second.snapshot.tasks['PRD-B/T1']?.state, 'verified');
    const brief = second.snapshot.attempts['PRD-B/T1#1']!.prompt;
    assert.match(brief, /## Lessons from earlier defects/);
    assert.ok(brief.includes(`[requirements] greet.js: ${FINDING}`), brief);
    // The first run's first briefs had no lesson to carry.
    assert.doesNotMatch(first.snapshot.attempts['PRD-A/T1#1']!.prompt, /Lessons from earlier defects/);
  });

  it('a reviewer that gives no verdict blocks the task as the environment\'s fault, after asking it once more in its session, without a rework', () => {
    const task = second.snapshot.tasks['PRD-B/T2']!;
    assert.equal(task.state, 'blocked');
    assert.equal(task.environmentBlocked, true);
    assert.match(task.error ?? '', /the reviewer reviewer gave no verdict through mcp__orch__submit_review in 2 tries/);
    assert.deepEqual(task.attempts, ['PRD-B/T2#1']);
    const retry = second.snapshot.attempts['review/PRD-B/T2#2']!;
    assert.match(retry.prompt, /^Orch has no verdict from you yet/);
    assert.equal(Object.values(second.snapshot.defects ?? {}).length, 0);
  });

  it('orch defects prints them, as text and as JSON', async () => {
    const json = await exited(fixture.orch(['defects', first.runId, '--json']));
    assert.equal(json.code, 0, json.out);
    const parsed = JSON.parse(json.out) as { runId: string; summary: { total: number; open: number }; defects: { id: string; state: string; resolutionMs: number | null }[] };
    assert.deepEqual([parsed.runId, parsed.summary.total, parsed.summary.open], [first.runId, 3, 0]);
    assert.ok(parsed.defects.every((d) => d.state === 'closed' && d.resolutionMs !== null));
    const text = await exited(fixture.orch(['defects', first.runId]));
    assert.equal(text.code, 0, text.out);
    assert.match(text.out, /3 defect\(s\), 0 open/);
    assert.match(text.out, /PRD-A\/T1 {2}review\/requirements, owner backend-engineer on /);
    assert.match(text.out, /greet\.js:1: greet\.js has no farewell\(\)/);
  });
});
