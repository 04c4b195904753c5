import assert from 'node:assert/strict';
import { linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { nodePreflightPorts } from './preflight-ports';

describe('the binary stamp the cached version check is keyed on', () => {
  const dir = useTempDir('orch-stamp-');

  it('stays the same when a hard link to the binary is made elsewhere, and changes when the binary is rewritten', async () => {
    const bin = join(dir.path, 'claude');
    writeFileSync(bin, 'v1');
    const before = await nodePreflightPorts.fileStamp(bin);
    linkSync(bin, join(dir.path, 'linked-by-a-cache'));
    assert.equal(await nodePreflightPorts.fileStamp(bin), before);
    writeFileSync(bin, 'v2 is longer');
    assert.notEqual(await nodePreflightPorts.fileStamp(bin), before);
    assert.equal(await nodePreflightPorts.fileStamp(join(dir.path, 'missing')), undefined);
  });
});
