import { strict as assert } from 'node:assert';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { parsePrd } from './prd-parser';

const withReview = (value: string): string => ['---', 'id: P', 'milestone: "1.1"', 'title: t', 'tasks:', '  - id: T1', '    title: a', '    description: b', `    review: ${value}`, '---', ''].join('\n');

describe('PRD task review', () => {
  it('reads review: true or false, and leaves it out when absent', () => {
    assert.equal(parsePrd(withReview('true'), 'p.md', DEFAULT_PHASES).prd?.tasks[0]?.review, true);
    assert.equal(parsePrd(withReview('false'), 'p.md', DEFAULT_PHASES).prd?.tasks[0]?.review, false);
    assert.ok(!('review' in (parsePrd(withReview('true').replace('    review: true\n', ''), 'p.md', DEFAULT_PHASES).prd?.tasks[0] ?? {})));
  });

  it('names a value that is not a boolean at its line', () => {
    const errors = parsePrd(withReview('yes please'), 'p.md', DEFAULT_PHASES).errors.map((e) => `${e.file}:${e.line ?? '?'}: ${e.message}`);
    assert.deepEqual(errors, ["p.md:9: task T1: 'review' must be true or false, got 'yes please'"]);
  });
});
