import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { OrchEvent } from '../../protocol/events';
import { parseEventLine } from './parse-event-line';

const NEWLINE = 0x0a;
/** How much of what was read is compared on the next read, to notice a rewritten file. */
const SEEN_BYTES = 64;

export interface LogFollowerOptions {
  /** New events in sequence order, each once; called once per read that found any. */
  readonly onEvents: (events: readonly OrchEvent[]) => void;
  /** The file now holds another log (its first line changed): what follows starts again at seq 1. */
  readonly onReset: () => void;
  /** A line that is not an event, or a sequence gap, as `file:line: why`: reported, skipped, and following goes on. */
  readonly onProblem: (message: string) => void;
  /** A read woken by the watcher or the poll failed; callers of refresh() get the rejection instead. Default: onProblem. */
  readonly onError?: (error: unknown) => void;
  /** Also read this often: some file systems (network, container mounts) lose watch events. */
  readonly pollMs?: number;
}

/**
 * Follows one run's `events.jsonl` while its only writer (EventLog, maybe in another process)
 * appends to it. Reads only the bytes added since the last read and keeps a half-written last
 * line until its newline arrives. Sequence numbers make delivery exactly-once: an event at or
 * below the last delivered seq is skipped, so a file that shrank (the writer cut a torn tail
 * on resume) can simply be read again from the start.
 */
export class LogFollower {
  private delivered = 0;
  /** Bytes and lines of complete lines consumed so far. */
  private consumed = 0;
  private lines = 0;
  /** The last bytes consumed, and the file's inode: a log rewritten in place no longer matches them. */
  private seen = Buffer.alloc(0);
  private ino: number | undefined;
  /** Tells a log cut shorter by its writer from a log replaced by another one. */
  private firstLine: Buffer | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private watcher: FSWatcher | undefined;
  private cannotWatch = false;
  private poll: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly options: LogFollowerOptions,
  ) {}

  get lastSeq(): number {
    return this.delivered;
  }

  /** Starts watching, then reads what is there; resolves once that first read is delivered. */
  async start(): Promise<void> {
    this.watchFolder();
    const { pollMs } = this.options;
    if (pollMs !== undefined && this.poll === undefined && !this.closed) {
      this.poll = setInterval(() => this.wake(), pollMs);
      this.poll.unref();
    }
    await this.refresh();
  }

  /** Reads whatever was appended. A call during a read shares it, and it reads once more after. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
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
    this.watcher = undefined;
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
  }

  private wake(): void {
    this.refresh().catch((error: unknown) => {
      if (this.options.onError !== undefined) this.options.onError(error);
      else this.options.onProblem(`${this.file}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private watchFolder(): void {
    if (this.closed || this.watcher !== undefined || this.cannotWatch) return;
    const folder = dirname(this.file);
    const name = basename(this.file);
    try {
      // The folder, not the file: the file may not exist yet, and a watch on a file follows
      // its inode, not its name.
      const watcher = watch(folder, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.wake();
      });
      watcher.on('error', (error) => {
        watcher.close();
        if (this.watcher === watcher) this.watcher = undefined;
        this.options.onProblem(`${folder}: watching stopped (${error.message}); watching again on the next read`);
      });
      this.watcher = watcher;
    } catch (error) {
      // No folder yet: the next read (poll or refresh) tries again. Anything else (out of
      // inotify watches, say) will not mend itself: say so once and rely on the poll.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.cannotWatch = true;
      this.options.onProblem(`${folder}: cannot watch (${error instanceof Error ? error.message : String(error)}); reading only when polled or asked`);
    }
  }

  private async readLoop(): Promise<void> {
    do {
      this.readAgain = false;
      if (this.closed) return;
      this.watchFolder();
      await this.readNewBytes();
    } while (this.readAgain);
  }

  private async readNewBytes(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let read: { readonly chunk: Buffer; readonly from: number } | undefined;
    try {
      read = await this.readPastConsumed(handle);
    } finally {
      await handle.close();
    }
    if (read === undefined) return;
    const { chunk } = read;
    const fresh: OrchEvent[] = [];
    let offset = read.from;
    for (let end = chunk.indexOf(NEWLINE, offset); end >= 0 && !this.closed; end = chunk.indexOf(NEWLINE, offset)) {
      const line = chunk.subarray(offset, end);
      offset = end + 1;
      this.consumed += line.length + 1;
      this.lines += 1;
      if (this.lines === 1) this.checkFirstLine(line);
      const event = this.take(line);
      if (event !== undefined) fresh.push(event);
    }
    this.seen = Buffer.from(chunk.subarray(Math.max(0, offset - SEEN_BYTES), offset));
    if (fresh.length > 0 && !this.closed) this.options.onEvents(fresh);
  }

  /**
   * The bytes after what was consumed, led by the last bytes consumed (`from` is where the new
   * ones start). A file that shrank, is another file now, or no longer holds those last bytes
   * was cut and rewritten by its writer (possibly past the old end, between two reads): it is
   * read again from the start.
   */
  private async readPastConsumed(handle: FileHandle): Promise<{ readonly chunk: Buffer; readonly from: number } | undefined> {
    const { size, ino } = await handle.stat();
    if (ino !== this.ino || size < this.consumed) this.rewind(ino);
    for (;;) {
      const start = this.consumed - this.seen.length;
      if (size === start) return undefined;
      const buffer = Buffer.alloc(size - start);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      const chunk = buffer.subarray(0, bytesRead);
      if (chunk.subarray(0, this.seen.length).equals(this.seen)) return { chunk, from: this.seen.length };
      this.rewind(ino);
    }
  }

  private rewind(ino: number): void {
    this.ino = ino;
    this.consumed = 0;
    this.lines = 0;
    this.seen = Buffer.alloc(0);
  }

  private checkFirstLine(line: Buffer): void {
    if (this.firstLine !== undefined && this.delivered > 0 && !line.equals(this.firstLine)) {
      this.delivered = 0;
      this.options.onReset();
    }
    this.firstLine = Buffer.from(line);
  }

  private take(line: Buffer): OrchEvent | undefined {
    const text = line.toString('utf8');
    if (text.trim() === '') return undefined;
    const event = parseEventLine(text);
    if (typeof event === 'string') {
      this.options.onProblem(`${this.file}:${this.lines}: ${event}; skipped`);
      return undefined;
    }
    if (event.seq <= this.delivered) return undefined;
    if (event.seq !== this.delivered + 1) {
      this.options.onProblem(`${this.file}:${this.lines}: expected seq ${this.delivered + 1}, found ${event.seq}; skipped`);
      return undefined;
    }
    this.delivered = event.seq;
    return event;
  }
}
