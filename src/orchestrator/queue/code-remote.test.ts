import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { gitOk } from '../engine/git';
import { ensureCodeRemote } from './code-remote';

describe('the code remote of a distributed run', () => {
  const tmp = useTempDir();

  it('is created once when the attempts dispatched together all ask for it at once', async () => {
    const orchDir = join(tmp.path, '.orch');
    mkdirSync(orchDir);
    const remotes = await Promise.all(Array.from({ length: 6 }, () => ensureCodeRemote(orchDir)));
    assert.deepEqual(new Set(remotes), new Set([join(orchDir, 'remote.git')]));
    assert.equal((await gitOk(remotes[0]!, ['rev-parse', '--is-bare-repository'])).trim(), 'true');
    assert.equal(await ensureCodeRemote(orchDir), remotes[0], 'found, not made again');
  });
});
