import { strict as assert } from 'node:assert';
import { checkReport, toolsFor } from './orch-tools';

const offered = toolsFor([]);

describe('checkReport: the report tools\' arguments', () => {
  it('turns each report into its activity and answer', () => {
    assert.deepEqual(checkReport('report_progress', { percent: 40, note: 'tests written' }, offered), { activity: { kind: 'progress', percent: 40, note: 'tests written' }, text: 'Progress 40% recorded.' });
    assert.deepEqual(checkReport('attach_evidence', { kind: ' test-output ', path_or_text: 'out.txt', extra: 1 }, offered), { activity: { kind: 'evidence', evidenceKind: ' test-output ', value: 'out.txt' }, text: 'Evidence ( test-output ) attached.' });
    assert.deepEqual(checkReport('report_no_change', { reason: 'already there' }, offered), { activity: { kind: 'evidence', evidenceKind: 'no-change', value: 'already there' }, text: 'Recorded: no change needed. Orch will check that the worktree is unchanged.' });
  });

  it('names the first wrong argument, what it must be and what it got', () => {
    const errors = [
      checkReport('report_progress', { percent: 101, note: 3 }, offered),
      checkReport('report_progress', { percent: '50', note: 'x' }, offered),
      checkReport('report_progress', { percent: 50 }, offered),
      checkReport('report_progress', 'not an object', offered),
      checkReport('attach_evidence', { kind: '  ', path_or_text: 'x' }, offered),
      checkReport('attach_evidence', { kind: 'note', path_or_text: '' }, offered),
      checkReport('report_no_change', { reason: ['a list'] }, offered),
    ].map((c) => ('error' in c ? c.error : 'accepted'));
    assert.deepEqual(errors, [
      'percent must be a number from 0 to 100, got 101',
      'percent must be a number from 0 to 100, got "50"',
      'note must be a string, got undefined',
      'percent must be a number from 0 to 100, got undefined',
      'kind must be a non-empty string, got "  "',
      'path_or_text must be a non-empty string, got ""',
      'reason must be a non-empty string, got ["a list"]',
    ]);
  });

  it('names the tools it has for an unknown one', () => {
    assert.deepEqual(checkReport('submit_anything', {}, offered), { error: 'unknown tool "submit_anything"; this server has report_progress, attach_evidence, report_no_change' });
  });
});
