import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';

/**
 * Watches a directory that may not exist yet. fs.watch is inotify on Linux (non-recursive, and a
 * watch dies with its directory), so until the target exists this watches the nearest existing
 * ancestor for the next path segment; `rearm()` moves the watch as directories come and go.
 */
export class PathWatcher {
  private watcher: FSWatcher | undefined;
  private watchedPath: string | undefined;
  private watchedIno: number | undefined;
  private closed = false;

  constructor(
    private readonly target: string,
    private readonly onEvent: () => void,
    /** Which entries of the target itself matter (all when omitted). */
    private readonly relevant: (name: string) => boolean = () => true,
  ) {
    this.rearm();
  }

  /** Re-points the watch if the nearest existing directory changed (created, deleted or replaced). */
  rearm(): void {
    if (this.closed) return;
    const found = nearestDirectory(this.target);
    if (found !== undefined && found.path === this.watchedPath && found.ino === this.watchedIno && this.watcher !== undefined) return;
    this.stop();
    if (found === undefined) return;
    const nextSegment = found.path === this.target ? undefined : relative(found.path, this.target).split(sep)[0];
    try {
      this.watcher = watch(found.path, { persistent: true }, (_event, name) => {
        const entry = name === null ? undefined : name.toString();
        if (entry !== undefined && (nextSegment === undefined ? !this.relevant(entry) : entry !== nextSegment)) return;
        this.onEvent();
      });
    } catch {
      // The directory vanished between stat and watch: the next event or rearm tries again.
      return;
    }
    this.watcher.on('error', () => {
      this.stop();
      this.onEvent();
    });
    this.watchedPath = found.path;
    this.watchedIno = found.ino;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.watchedPath = undefined;
    this.watchedIno = undefined;
  }
}

function nearestDirectory(path: string): { path: string; ino: number } | undefined {
  let current = path;
  for (;;) {
    try {
      const stats = statSync(current);
      if (stats.isDirectory()) return { path: current, ino: stats.ino };
    } catch {
      // Missing: try the parent.
    }
    const parent = dirname(current);
    if (parent === current || basename(current) === '') return undefined;
    current = parent;
  }
}
