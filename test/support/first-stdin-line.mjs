// The stand-ins' stdin: only its first line, the stream-json prompt.
import { Buffer } from 'node:buffer';
import { readSync } from 'node:fs';

/** The first line of stdin: the stream-json prompt. Like the real CLI, it does not wait for the end of stdin, which Orch keeps open to deliver messages. */
export function firstLine() {
  const chunks = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    let n;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if (error.code === 'EAGAIN') continue;
      if (error.code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    const chunk = buffer.subarray(0, n);
    const end = chunk.indexOf(10);
    chunks.push(Buffer.from(end < 0 ? chunk : chunk.subarray(0, end)));
    if (end >= 0) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
