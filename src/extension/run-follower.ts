import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { EVENT_TYPES, type OrchEvent } from '../protocol/events';
import { foldEvent } from '../protocol/fold';
import type { RunSnapshot } from '../protocol/run-snapshot';

const knownTypes: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Follows one run's events.jsonl as another process appends to it: on each change it reads
 * only the bytes after what it has folded, folds the complete lines and leaves a half-written
 * last line for the next change. No polling: the OS tells us (inotify behind fs.watch).
 * The log's only writer may truncate a torn tail on resume; a shrunk file is read again whole.
 */
export class RunFollower {
  private snapshot: RunSnapshot | undefined;
  private offset = 0;
  private watcher: FSWatcher | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    readonly file: string,
    private readonly onChange: (snapshot: RunSnapshot | undefined) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  get current(): RunSnapshot | undefined {
    return this.snapshot;
  }

  /** Reads what is there now, then follows. Resolves once the first read is folded. */
  async start(): Promise<void> {
    // Watch the folder, not the file: the file may not exist yet, and its writer may replace it.
    const name = basename(this.file);
    this.watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) this.refresh();
    });
    this.watcher.on('error', (error) => this.onError(error));
    this.refresh();
    await this.reading;
  }

  /** Reads new lines now; calls coalesce while a read is in flight. */
  refresh(): void {
    if (this.disposed) return;
    if (this.reading !== undefined) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
  }

  private async readNew(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (size < this.offset) {
      this.offset = 0;
      this.snapshot = undefined;
    }
    if (size === this.offset) return;
    const handle = await open(this.file, 'r');
    let chunk: Buffer;
    try {
      chunk = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline < 0) return;
    const before = this.snapshot;
    for (const line of chunk.subarray(0, lastNewline).toString('utf8').split('\n')) {
      const event = parseLine(line);
      if (event !== undefined) this.snapshot = foldEvent(this.snapshot, event);
    }
    this.offset += lastNewline + 1;
    if (!this.disposed && this.snapshot !== before) this.onChange(this.snapshot);
  }
}

/** A line the view cannot use is skipped: the writer validates, a view only has to survive. */
function parseLine(line: string): OrchEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const r = value as Record<string, unknown>;
    if (typeof r.type !== 'string' || !knownTypes.has(r.type) || !Number.isSafeInteger(r.seq) || typeof r.runId !== 'string' || typeof r.at !== 'string') return undefined;
    return value as OrchEvent;
  } catch {
    return undefined;
  }
}
