// A plain POSIX tar (ustar, with pax `path` records for long names), written and read by hand:
// `tar xzf` opens an Orch backup without Orch, and no dependency is needed to make one. Only
// regular files are written; a reader skips every other kind of entry.

const BLOCK = 512;

export interface TarEntry {
  readonly path: string;
  readonly data: Buffer;
  readonly mode?: number;
  readonly mtime?: Date;
}

/** The blocks of one entry: a pax header first when the path does not fit ustar's fields. */
export function tarEntry(entry: TarEntry): Buffer[] {
  const mtime = Math.floor((entry.mtime ?? new Date()).getTime() / 1000);
  const blocks: Buffer[] = [];
  const name = Buffer.from(entry.path, 'utf8');
  const split = ustarSplit(entry.path);
  if (split === undefined || name.length !== entry.path.length) {
    const pax = paxRecord('path', entry.path);
    blocks.push(header({ name: 'PaxHeader', size: pax.length, mode: 0o644, mtime, type: 'x' }), pad(pax));
  }
  const fallback = split ?? { prefix: '', name: name.subarray(0, 99).toString('latin1') };
  blocks.push(header({ name: fallback.name, prefix: fallback.prefix, size: entry.data.length, mode: entry.mode ?? 0o644, mtime, type: '0' }), pad(entry.data));
  return blocks;
}

/** Two zero blocks end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

function ustarSplit(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  return undefined;
}

// "%d key=value\n", where %d counts the whole record, its own digits included.
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`, 'utf8');
}

function header(h: { name: string; prefix?: string; size: number; mode: number; mtime: number; type: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  b.write(octal(h.mode, 7), 100, 'latin1');
  b.write(octal(0, 7), 108, 'latin1');
  b.write(octal(0, 7), 116, 'latin1');
  b.write(octal(h.size, 11), 124, 'latin1');
  b.write(octal(h.mtime, 11), 136, 'latin1');
  b.write('        ', 148, 'latin1');
  b.write(h.type, 156, 'latin1');
  b.write('ustar\u000000', 257, 'latin1');
  b.write(h.prefix ?? '', 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return b;
}

function octal(n: number, digits: number): string {
  const text = n.toString(8);
  if (text.length > digits) throw new Error(`tar: ${n} does not fit in ${digits} octal digits`);
  return `${text.padStart(digits, '0')}\u0000`;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/**
 * Reads entries from a stream of tar bytes (already gunzipped). Errors name the byte offset:
 * a truncated or damaged archive is refused, never half-read as if it were whole.
 */
export async function* readTar(chunks: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  let buffer: Buffer = Buffer.alloc(0);
  let offset = 0;
  let paxPath: string | undefined;
  let ended = false;
  const iterator = chunks[Symbol.asyncIterator]();
  // Chunks are gathered and joined once per need: joining on every chunk is quadratic in an entry's size.
  const need = async (bytes: number): Promise<boolean> => {
    if (buffer.length >= bytes) return true;
    const parts: Buffer[] = [buffer];
    let total = buffer.length;
    let more = true;
    while (total < bytes) {
      const next = await iterator.next();
      if (next.done === true) {
        more = false;
        break;
      }
      parts.push(next.value);
      total += next.value.length;
    }
    buffer = Buffer.concat(parts, total);
    return more;
  };
  const take = (bytes: number): Buffer => {
    const out = buffer.subarray(0, bytes);
    buffer = buffer.subarray(bytes);
    offset += bytes;
    return out;
  };
  for (;;) {
    if (!(await need(BLOCK))) break;
    const block = take(BLOCK);
    if (block.every((byte) => byte === 0)) {
      ended = true;
      break;
    }
    checkSum(block, offset - BLOCK);
    const size = parseInt(field(block, 124, 12) || '0', 8);
    const type = String.fromCharCode(block[156] ?? 0);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (!(await need(padded))) throw new Error(`tar: archive cut short in an entry's data at byte ${offset}`);
    const data: Buffer = Buffer.from(take(padded).subarray(0, size));
    if (type === 'x') {
      paxPath = parsePax(data).get('path') ?? paxPath;
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(block, 345, 155);
    const name = field(block, 0, 100);
    const path = paxPath ?? (prefix === '' ? name : `${prefix}/${name}`);
    paxPath = undefined;
    if (type !== '0' && type !== '\u0000') continue;
    yield { path, data, mode: parseInt(field(block, 100, 8) || '644', 8), mtime: new Date(parseInt(field(block, 136, 12) || '0', 8) * 1000) };
  }
  if (!ended) throw new Error(`tar: archive cut short at byte ${offset}: no end-of-archive blocks`);
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8').trim();
}

function checkSum(block: Buffer, at: number): void {
  const stored = parseInt(field(block, 148, 8), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (stored !== sum) throw new Error(`tar: damaged header at byte ${at} (checksum ${stored}, computed ${sum})`);
}

function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}
