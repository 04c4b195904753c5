import { readFile } from 'node:fs/promises';
import type { OrchEvent } from '../../protocol/events';
import { InputError } from '../errors';
import { parseEventLine } from './parse-event-line';

export interface EventLogContents {
  readonly events: readonly OrchEvent[];
  /** Byte length of the complete, valid lines: where a writer continues after a torn tail. */
  readonly validBytes: number;
  /** A last line cut short by a crash (or still being written by another process). */
  readonly tornTail?: { readonly line: number; readonly bytes: number };
}

/**
 * Reads a run's log. Only the last line may be incomplete (a crash mid-append, or a writer
 * still appending): it is reported and left out. Damage anywhere else means the log is not
 * ours to guess about, so it is an error naming the line.
 */
export async function readEventLog(file: string): Promise<EventLogContents> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], validBytes: 0 };
    throw error;
  }
  return parseEventLog(raw, file);
}

function parseEventLog(raw: Buffer, file: string): EventLogContents {
  const events: OrchEvent[] = [];
  let offset = 0;
  let line = 0;
  while (offset < raw.length) {
    line += 1;
    const newline = raw.indexOf(0x0a, offset);
    const end = newline < 0 ? raw.length : newline;
    const text = raw.subarray(offset, end).toString('utf8');
    const isLast = newline < 0 || newline === raw.length - 1;
    const parsed = newline < 0 ? undefined : parseEventLine(text);
    if (typeof parsed !== 'object') {
      if (isLast) return { events, validBytes: offset, tornTail: { line, bytes: raw.length - offset } };
      throw new InputError(`corrupt event log: ${parsed ?? 'unterminated line'}`, { file, line });
    }
    const expected = events.length + 1;
    if (parsed.seq !== expected) {
      throw new InputError(`corrupt event log: expected seq ${expected}, found ${parsed.seq}`, { file, line });
    }
    events.push(parsed);
    offset = end + 1;
  }
  return { events, validBytes: offset };
}
