import { strict as assert } from 'node:assert';
import { toolsFor } from './orch-tools';
import { parseReview } from './submit-review-tool';

describe('submit_review', () => {
  it('takes a verdict with findings at a file and line, and a summary', () => {
    assert.deepEqual(parseReview({ verdict: 'request-changes', findings: [{ text: ' farewell() is missing ', file: 'greet.js', line: 3 }, { text: 'no test' }], summary: 'Half done.' }), {
      verdict: 'request-changes',
      findings: [{ text: 'farewell() is missing', file: 'greet.js', line: 3 }, { text: 'no test' }],
      summary: 'Half done.',
    });
    assert.deepEqual(parseReview({ verdict: 'approve', findings: [] }), { verdict: 'approve', findings: [] });
  });

  it('names every problem of a bad call, so the reviewer fixes it in the same turn', () => {
    assert.deepEqual(parseReview({ verdict: 'reject', findings: [{ text: '' }, { text: 'x', line: 0, file: 7 }], summary: 3 }), {
      errors: [
        'verdict must be "approve" or "request-changes", got "reject"',
        'findings[0] needs a non-empty text, got {"text":""}',
        'findings[1].file must be a path, got 7',
        'findings[1].line must be a line number from 1, got 0',
        'summary must be a string, got 3',
      ],
    });
    assert.deepEqual(parseReview({ verdict: 'request-changes', findings: [] }), { errors: ['request-changes needs at least one finding: say what must change'] });
    assert.deepEqual(parseReview('approve'), { errors: ['verdict must be "approve" or "request-changes", got undefined', 'findings must be a list of {text, file?, line?}, got undefined'] });
  });

  it('is offered only to the attempt that has a handler for it', () => {
    assert.ok(toolsFor(['submit_review']).some((t) => t.name === 'submit_review'));
    assert.ok(!toolsFor([]).some((t) => t.name === 'submit_review'));
  });
});
