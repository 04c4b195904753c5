import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printReviewHints } from './demo-end';

// The demo's closing hints are meant to be pasted into a shell as they are.
describe('the demo review hints', () => {
  let root = '';
  before(() => (root = realpathSync(mkdtempSync(join(tmpdir(), 'orch demo hints ')))));
  after(() => rmSync(root, { recursive: true, force: true }));

  function hints(workspace: string): string[] {
    const lines: string[] = [];
    printReviewHints({ cwd: root, env: {}, out: (t) => lines.push(...t.split('\n')), err: () => undefined }, workspace);
    return lines;
  }

  it('quote a workspace path with spaces and quotes so its cd line works in a shell', () => {
    const workspace = join(root, "it's a workspace");
    mkdirSync(workspace);
    const cd = hints(workspace).find((l) => l.trimStart().startsWith('cd '));
    assert.ok(cd !== undefined);
    assert.equal(execFileSync('bash', ['-c', `${cd.trim()} && pwd`], { encoding: 'utf8' }).trim(), workspace);
  });

  it('leave a plain path as it is', () => {
    assert.ok(hints('/tmp/orch-demo-abc/workspace').includes('  cd /tmp/orch-demo-abc/workspace'));
  });
});
