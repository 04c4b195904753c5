// The channel from Orch's MCP server back to the runner: the server appends one JSON line per
// tool call to a file (its stdout belongs to the MCP protocol); the runner reads what is new.

import { closeSync, openSync, readSync, fstatSync, writeFileSync } from 'node:fs';
import type { Activity } from '../../protocol/events';
import { isObject } from './stream-messages';

export function reportActivity(line: string): Activity | string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return `unreadable report from Orch's MCP server: ${line.slice(0, 200)}`;
  }
  if (isObject(entry) && entry.tool === 'report_progress' && typeof entry.percent === 'number' && typeof entry.note === 'string') {
    return { kind: 'progress', percent: entry.percent, note: entry.note };
  }
  if (isObject(entry) && entry.tool === 'attach_evidence' && typeof entry.kind === 'string' && typeof entry.value === 'string') {
    return { kind: 'evidence', evidenceKind: entry.kind, value: entry.value };
  }
  // Verification reads this kind: a check-less task with no changed file passes on it.
  if (isObject(entry) && entry.tool === 'report_no_change' && typeof entry.reason === 'string') {
    return { kind: 'evidence', evidenceKind: 'no-change', value: entry.reason };
  }
  return `unexpected report from Orch's MCP server: ${line.slice(0, 200)}`;
}

export class ReportTail {
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
  ) {
    writeFileSync(file, '');
  }

  /** Reads whatever was appended since the last call; only complete lines are delivered. */
  poll(): void {
    const fd = openSync(this.file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const text = this.partial + buffer.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.onLine(line);
    } finally {
      closeSync(fd);
    }
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.poll();
  }
}
