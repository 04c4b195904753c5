import { strict as assert } from 'node:assert';
import type { CheckResult } from '../../protocol/events';
import { triage } from './triage';

const pass = (check: string): CheckResult => ({ check, passed: true, detail: 'ok' });
const fail = (check: string, detail = 'exit 1'): CheckResult => ({ check, passed: false, detail });

describe('defect triage', () => {
  it('names the category after the first failed check and weighs how much of the work fails', () => {
    assert.deepEqual(triage({ source: 'check', reason: '1 of 2 checks failed', checks: [pass('file a.ts'), fail('command npm test', 'exit 1\n3 failing')] }), { severity: 'major', category: 'failing-tests', summary: 'command npm test: exit 1' });
    assert.equal(triage({ source: 'check', reason: 'x', checks: [fail('file a.ts', 'a.ts does not exist')] }).severity, 'critical');
    const categories = [fail('file a.ts'), fail('browser http://x/'), fail('command npx eslint .'), fail('command npx tsc -p .'), fail('command ./slow.sh', 'timed out after 5 s'), fail('command grep -q ready t2.txt')].map((c) => triage({ source: 'check', reason: 'x', checks: [c, pass('file b')] }).category);
    assert.deepEqual(categories, ['missing-file', 'ui', 'lint', 'build', 'timeout', 'command']);
  });

  it('calls an attempt with no failed check and no change a critical no-change defect', () => {
    assert.deepEqual(triage({ source: 'check', reason: 'the attempt changed no file', checks: [] }), { severity: 'critical', category: 'no-change', summary: 'the attempt changed no file' });
  });

  it('reads a review\'s findings: security is critical, located or several findings are major, one loose remark is minor', () => {
    const review = (texts: string[], file?: string) => triage({ source: 'review', reason: 'the reviewer requested changes', checks: [], findings: texts.map((text) => ({ text, ...(file === undefined ? {} : { file }) })) });
    assert.deepEqual(review(['The API token is written to the log'], 'src/log.ts'), { severity: 'critical', category: 'security', summary: 'the reviewer requested changes: The API token is written to the log' });
    assert.deepEqual([review(['No test covers the empty list'], 'a.ts').category, review(['No test covers the empty list'], 'a.ts').severity], ['tests', 'major']);
    assert.deepEqual([review(['farewell() is missing although the brief asks for it']).category, review(['farewell() is missing']).severity], ['requirements', 'minor']);
    assert.equal(review(['a', 'b']).severity, 'major');
  });

  it('files a merge conflict as its own category', () => {
    const t = triage({ source: 'merge-conflict', reason: 'merge conflict with work already integrated', checks: [pass('file a'), fail('merge into the integration branch', 'conflicts in: a.ts\nCONFLICT')] });
    assert.deepEqual(t, { severity: 'major', category: 'merge-conflict', summary: 'merge conflict with work already integrated: conflicts in: a.ts' });
  });
});
