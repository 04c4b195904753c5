import { strict as assert } from 'node:assert';
import { evidenceFileOf } from '../../webview/src/lib/evidence-file';

describe('webview: which evidence paths the page asks the host for', () => {
  const run = '20261202T020000-e1e1e1';
  it("names a file directly in the run's evidence directory, on POSIX and Windows paths", () => {
    assert.equal(evidenceFileOf(`/home/me/app/.orch/runs/${run}/evidence/PRD-1-T1-1-check1-chromium.png`, run), 'PRD-1-T1-1-check1-chromium.png');
    assert.equal(evidenceFileOf(`C:\\app\\.orch\\runs\\${run}\\evidence\\PRD-1-T1-1-check1.png`, run), 'PRD-1-T1-1-check1.png');
  });
  it('asks for nothing outside it: another run, a subfolder, dot segments, no evidence folder', () => {
    for (const path of [
      `/app/.orch/runs/other-run/evidence/a.png`,
      `/app/.orch/runs/${run}/evidence/sub/a.png`,
      `/app/.orch/runs/${run}/evidence/../events.jsonl`,
      `/app/.orch/runs/${run}/evidence/..`,
      `/app/.orch/runs/${run}/evidence/`,
      '/etc/passwd.png',
      'a.png',
    ]) {
      assert.equal(evidenceFileOf(path, run), undefined, path);
    }
  });
});
