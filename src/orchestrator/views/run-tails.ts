import { existsSync } from 'node:fs';
import { RUN_ID_PATTERN } from '../../protocol/dashboard-messages';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { RunTail } from './run-tail';

/** One tail per run, opened on first use and shared by every request and socket. */
export class RunTails {
  private readonly tails = new Map<string, Promise<RunTail>>();

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly pollMs: number,
    private readonly onProblem: (message: string) => void,
  ) {}

  /** The run's tail, or undefined when the id is malformed or the run has no log. */
  async get(runId: string): Promise<RunTail | undefined> {
    if (!RUN_ID_PATTERN.test(runId)) return undefined;
    let tail = this.tails.get(runId);
    if (tail === undefined) {
      const file = this.paths.eventsFile(runId);
      if (!existsSync(file)) return undefined;
      tail = RunTail.open(file, { pollMs: this.pollMs, onProblem: this.onProblem });
      this.tails.set(runId, tail);
      tail.catch(() => this.tails.delete(runId));
    }
    const opened = await tail;
    // A request may race a write: read what is on disk now, so a reply is never older than it.
    await opened.refresh();
    return opened;
  }

  async closeAll(): Promise<void> {
    const all = [...this.tails.values()];
    this.tails.clear();
    for (const settled of await Promise.allSettled(all)) if (settled.status === 'fulfilled') settled.value.close();
  }
}
