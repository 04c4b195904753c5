import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { EVENT_TYPES, type OrchEvent } from '../protocol/events';
import { foldEvent } from '../protocol/fold';
import type { RunSnapshot } from '../protocol/run-snapshot';

type Listener = (events: readonly OrchEvent[]) => void;

const knownTypes: ReadonlySet<string> = new Set(EVENT_TYPES);
const NEWLINE = 0x0a;

/**
 * Follows one run's `events.jsonl` while another process appends to it: reads only the bytes
 * added since the last read, keeps an unfinished last line until its newline arrives, and hands
 * listeners each new event exactly once, in sequence order. fs.watch wakes it quickly; a slow
 * poll covers platforms and file systems where watch events get lost.
 */
export class RunTail {
  private readonly history: OrchEvent[] = [];
  private folded: RunSnapshot | undefined;
  private readonly listeners = new Set<Listener>();
  /** Bytes of complete lines consumed so far. */
  private consumed = 0;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  static async open(file: string, options: { readonly pollMs: number; readonly onProblem: (message: string) => void }): Promise<RunTail> {
    const tail = new RunTail(file, options.onProblem);
    await tail.refresh();
    tail.startWatching(options.pollMs);
    return tail;
  }

  get lastSeq(): number {
    return this.history.length;
  }

  get snapshot(): RunSnapshot | undefined {
    return this.folded;
  }

  /** Events with a sequence number above `seq` (sequence numbers are 1-based and gap-free). */
  eventsAfter(seq: number, limit = Number.MAX_SAFE_INTEGER): readonly OrchEvent[] {
    return this.history.slice(seq, seq + limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads whatever was appended; concurrent calls share one read and trigger one more. */
  refresh(): Promise<void> {
    if (this.reading !== undefined) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readLoop().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poll !== undefined) clearInterval(this.poll);
    this.listeners.clear();
  }

  private startWatching(pollMs: number): void {
    try {
      // Watch the folder, not the file: the file may not exist yet, and a watch on a file
      // follows the inode, not the name.
      this.watcher = watch(dirname(this.file), (_event, name) => {
        if (name === null || name === basename(this.file)) void this.refresh().catch((error: unknown) => this.onProblem(String(error)));
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No folder yet: the poll below finds the file once it appears.
    }
    this.poll = setInterval(() => void this.refresh().catch((error: unknown) => this.onProblem(String(error))), pollMs);
    this.poll.unref();
  }

  private async readLoop(): Promise<void> {
    do {
      this.readAgain = false;
      if (this.closed) return;
      await this.readNewBytes();
    } while (this.readAgain);
  }

  private async readNewBytes(): Promise<void> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let chunk: Buffer;
    try {
      const { size } = await handle.stat();
      // Smaller than what we consumed: the file was replaced. Read it again from the start;
      // sequence numbers keep what we already delivered from being delivered twice.
      if (size < this.consumed) this.consumed = 0;
      if (size === this.consumed) return;
      chunk = Buffer.alloc(size - this.consumed);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.consumed);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    // A line without its newline is still being written (or was torn by a crash and will be
    // cut off by the next writer): leave it for the next read.
    if (lastNewline < 0) return;
    this.consumed += lastNewline + 1;
    const fresh: OrchEvent[] = [];
    for (const line of chunk.subarray(0, lastNewline).toString('utf8').split('\n')) {
      const event = this.parseLine(line);
      if (event === undefined || event.seq <= this.history.length) continue;
      if (event.seq !== this.history.length + 1) {
        this.onProblem(`${this.file}: expected seq ${this.history.length + 1}, found ${event.seq}; skipped`);
        continue;
      }
      this.history.push(event);
      this.folded = foldEvent(this.folded, event);
      fresh.push(event);
    }
    if (fresh.length > 0) for (const listener of this.listeners) listener(fresh);
  }

  private parseLine(line: string): OrchEvent | undefined {
    if (line.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.onProblem(`${this.file}: a line that is not JSON; skipped`);
      return undefined;
    }
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    if (typeof record.type !== 'string' || !knownTypes.has(record.type) || !Number.isSafeInteger(record.seq)) {
      this.onProblem(`${this.file}: a line that is not an Orch event; skipped`);
      return undefined;
    }
    return value as OrchEvent;
  }
}
