import { strict as assert } from 'node:assert';
import type { DefectRecord } from '../../protocol/events-defects';
import type { LessonRecord } from '../store/orch-store';
import { lessonOf, lessonsForBrief, lessonSection, MAX_BRIEF_LESSONS, MAX_LESSON_TOKENS } from './lessons';

function lesson(i: number, extra: Partial<LessonRecord> = {}): LessonRecord {
  return { runId: 'r1', defectId: `D${i}`, taskId: `P/T${i}`, taskTitle: `Task ${i}`, agent: 'backend-engineer', category: `c${i}`, wrong: `wrong ${i}`, fixed: `fixed ${i}`, at: `2026-01-01T00:00:0${i}Z`, ...extra };
}

describe('lessons', () => {
  it('keeps what went wrong (the findings with their files) and what fixed it, for the agent that made the mistake', () => {
    const defect: DefectRecord = {
      id: 'D2', taskId: 'P/T1', source: 'review', severity: 'major', category: 'requirements', owner: { agent: 'backend-engineer', model: 'opus' }, state: 'verified', summary: 'the reviewer requested changes',
      findings: [{ text: 'farewell() is missing', file: 'greet.js', line: 1 }], detectedIn: 'P/T1#1', detectedAt: 'x', attempts: ['P/T1#2'], recurrences: 0,
      escalations: [{ from: { agent: 'backend-engineer', model: 'haiku' }, to: { agent: 'backend-engineer', model: 'opus' }, reason: 'r', at: 'x' }],
    };
    const l = lessonOf(defect, 'r1', 'Greeting module', `Added farewell().\n${'x'.repeat(400)}`, 'now');
    assert.deepEqual([l.agent, l.category, l.wrong, l.taskTitle], ['backend-engineer', 'requirements', 'greet.js: farewell() is missing', 'Greeting module']);
    assert.ok(l.fixed.startsWith('Added farewell(). xxx') && l.fixed.length <= 221 && l.fixed.endsWith('…'));
    assert.equal(lessonOf({ ...defect, findings: undefined }, 'r1', 't', undefined, 'now').fixed, 'the rework passed verification');
  });

  it('picks the same agent\'s lessons first, then those of similar tasks, one per category, newest first', () => {
    const lessons = [
      lesson(1, { agent: 'frontend-engineer', taskTitle: 'Greeting module page', wrong: 'farewell missing' }),
      lesson(2, { category: 'tests' }),
      lesson(3, { category: 'tests' }),
      lesson(4, { agent: 'qa-engineer', taskTitle: 'Unrelated thing' }),
    ];
    const chosen = lessonsForBrief(lessons, { agent: 'backend-engineer', title: 'Greeting module', description: 'Write farewell too.' });
    assert.deepEqual(chosen.map((l) => l.defectId), ['D3', 'D1']);
    assert.deepEqual(lessonsForBrief(lessons, { agent: 'devops-engineer', title: 'Deploy', description: 'Ship it.' }), []);
  });

  it('carries at most a few lessons under a strict token cap', () => {
    const many = Array.from({ length: 9 }, (_, i) => lesson(i, { wrong: 'w'.repeat(100 + i) }));
    const chosen = lessonsForBrief(many, { agent: 'backend-engineer', title: 't', description: 'd' });
    assert.ok(chosen.length <= MAX_BRIEF_LESSONS && chosen.length > 0);
    const section = lessonSection(chosen);
    assert.ok(section.slice(3).join('\n').length / 4 <= MAX_LESSON_TOKENS + chosen.length, section.join('\n'));
    assert.deepEqual(lessonSection([]), []);
    assert.equal(lessonSection([lesson(1)])[3], '- [c1] wrong 1 Fixed by: fixed 1');
  });
});
