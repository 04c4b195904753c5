import assert from 'node:assert/strict';
import { linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { nodePreflightPorts } from './preflight-ports';

describe('the binary stamp the cached version check is keyed on', () => {
  const dir = useTempDir('orch-stamp-');

  it('stays the same when a hard link to the binary is made elsewhere, and changes when the binary is rewritten', async () => {
    assert.ok(nodePreflightPorts.fileStamp !== undefined, 'the node ports stamp files');
    const stamp = (path: string) => nodePreflightPorts.fileStamp?.(path);
    const bin = join(dir.path, 'claude');
    writeFileSync(bin, 'v1');
    const before = await stamp(bin);
    linkSync(bin, join(dir.path, 'linked-by-a-cache'));
    assert.equal(await stamp(bin), before);
    writeFileSync(bin, 'v2 is longer');
    assert.notEqual(await stamp(bin), before);
    assert.equal(await stamp(join(dir.path, 'missing')), undefined);
  });
});
