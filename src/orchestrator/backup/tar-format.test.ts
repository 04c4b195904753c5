import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import { readTar, tarEnd, tarEntry, type TarEntry } from './tar-format';

async function readAll(bytes: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  // Odd chunk sizes: entries and headers cross chunk boundaries.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 333) }, (_, i) => bytes.subarray(i * 333, (i + 1) * 333));
  for await (const entry of readTar(Readable.from(chunks))) entries.push(entry);
  return entries;
}

describe('tar format', () => {
  const long = `workspace/.orch/runs/r1/evidence/${'deep/'.repeat(40)}file.log`;
  const written = [
    { path: 'a.txt', data: Buffer.from('hello\n') },
    { path: 'empty', data: Buffer.alloc(0) },
    { path: long, data: Buffer.alloc(1500, 7) },
    { path: 'workspace/ünïcode.md', data: Buffer.from('x') },
  ];
  const archive = Buffer.concat([...written.flatMap((e) => tarEntry(e)), tarEnd()]);

  it('reads back what it wrote: long and non-ASCII paths through pax records, sizes not a multiple of 512', async () => {
    const read = await readAll(archive);
    assert.deepEqual(read.map((e) => [e.path, e.data.toString('hex')]), written.map((e) => [e.path, e.data.toString('hex')]));
  });

  it('refuses an archive cut short, and one with a damaged header, naming the byte offset', async () => {
    await assert.rejects(readAll(archive.subarray(0, 1024)), /cut short at byte \d+/);
    await assert.rejects(readAll(archive.subarray(0, archive.length - 1024)), /no end-of-archive blocks/);
    const damaged = Buffer.from(archive);
    damaged[10] = 0x41;
    await assert.rejects(readAll(damaged), /damaged header at byte 0/);
  });
});
