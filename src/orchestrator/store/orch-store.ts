import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { RunState } from '../../protocol/domain';

// `.orch/orch.json`: the index of runs and what Orch learns across runs. This module is its
// only writer; the event logs stay the source of truth, so a lost update here is rebuilt from
// them, never the other way round (lowdb does not fsync).

export interface RunIndexEntry {
  readonly runId: string;
  readonly roadmapFile: string;
  readonly state: RunState;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface OrchData {
  readonly version: 1;
  readonly runs: readonly RunIndexEntry[];
}

const empty: OrchData = { version: 1, runs: [] };

export class OrchStore {
  private constructor(private readonly db: Low<OrchData>) {}

  static async open(file: string): Promise<OrchStore> {
    await mkdir(dirname(file), { recursive: true });
    const db = new Low<OrchData>(new JSONFile<OrchData>(file), empty);
    await db.read();
    return new OrchStore(db);
  }

  get runs(): readonly RunIndexEntry[] {
    return this.db.data.runs;
  }

  /** The most recently started run, the default for `orch status`, `resume` and `cancel`. */
  latestRun(): RunIndexEntry | undefined {
    return [...this.db.data.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  }

  async upsertRun(entry: RunIndexEntry): Promise<void> {
    const runs = this.db.data.runs.filter((r) => r.runId !== entry.runId);
    this.db.data = { ...this.db.data, runs: [...runs, entry] };
    await this.db.write();
  }
}
