import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { OrchEvent } from '../../protocol/events';
import { parseEventLine } from './parse-event-line';

const NEWLINE = 0x0a;

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
      if (size < this.consumed) {
        this.consumed = 0;
        this.lines = 0;
      }
      if (size === this.consumed) return;
      chunk = Buffer.alloc(size - this.consumed);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.consumed);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const fresh: OrchEvent[] = [];
    let offset = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0 && !this.closed; end = chunk.indexOf(NEWLINE, offset)) {
      const line = chunk.subarray(offset, end);
      offset = end + 1;
      this.consumed += line.length + 1;
      this.lines += 1;
      if (this.lines === 1) this.checkFirstLine(line);
      const event = this.take(line);
      if (event !== undefined) fresh.push(event);
    }
    if (fresh.length > 0 && !this.closed) this.options.onEvents(fresh);
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
