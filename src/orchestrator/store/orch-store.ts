import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import type { RunState } from '../../protocol/domain';
import { compareIsoTimes } from '../../protocol/iso-time';
import { InputError } from '../errors';
import { jsonErrorLine } from '../json-error-line';
import { outcomeRecord, type OutcomeRecord } from './outcome-record';

// `.orch/orch.json`: the index of runs and what Orch learns across runs. This module is its
// only writer; the event logs stay the source of truth, so a lost update here is rebuilt from
// them, never the other way round (lowdb does not fsync; it writes a temp file and renames it,
// so a crash leaves the old file or the new one, never half of one).

export interface RunIndexEntry {
  readonly runId: string;
  readonly roadmapFile: string;
  readonly state: RunState;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** One finished task's routing outcome: what the router of a later run learns from. */
export interface RoutingRecord {
  readonly runId: string;
  readonly taskId: string;
  readonly model: string;
  readonly agent: string;
  readonly complexity: number;
  /** Verified on its first attempt, with no defect. */
  readonly firstPass: boolean;
  readonly costUsd: number;
  readonly at: string;
}

/** What a closed defect taught: later briefs for the same agent, or a task like it, carry it. */
export interface LessonRecord {
  readonly runId: string;
  readonly defectId: string;
  readonly taskId: string;
  readonly taskTitle: string;
  readonly agent: string;
  readonly category: string;
  readonly wrong: string;
  readonly fixed: string;
  readonly at: string;
}

/** Lessons kept, the newest: a brief carries only a few of them anyway. */
export const LESSONS_KEPT = 200;

export interface OrchData {
  readonly version: 1;
  readonly runs: readonly RunIndexEntry[];
  /** Absent in files written before Orch learned across runs. */
  readonly routing?: readonly RoutingRecord[];
  /** Absent in files written before Orch kept lessons. */
  readonly lessons?: readonly LessonRecord[];
  /** Absent in files written before Orch kept attempt outcomes (the learning store). */
  readonly outcomes?: readonly OutcomeRecord[];
}

/**
 * Attempt outcomes kept, the newest: about a few hundred tasks' worth, enough for predictions
 * of a roadmap run several times, and about 1 MB of JSON at most.
 */
export const OUTCOMES_KEPT = 2000;

const empty: OrchData = { version: 1, runs: [] };

/** Routing outcomes kept per model and complexity band: recent enough to follow model updates. */
export const ROUTING_KEPT_PER_BUCKET = 20;
const BANDS = 5;

function bucket(r: RoutingRecord): string {
  return `${r.model}|${Math.min(BANDS - 1, Math.floor(r.complexity * BANDS))}`;
}

// Writes from every OrchStore of one file in this process go one at a time, each on a fresh
// read: the run index and the routing history are written by different parts of a run.
const queues = new Map<string, Promise<unknown>>();

// The file as last read or written in this process, by its identity: a run opens the store at
// its start (several times), for every attempt's brief and for the forecast, and parsing and
// checking a full learning store (OUTCOMES_KEPT outcomes, about 1.3 MB) costs 10 to 35 ms of CPU
// each time. An unchanged file is taken from here instead. Its data is never changed in place
// (an update makes new objects), so stores can share it.
const snapshots = new Map<string, { readonly identity: string; readonly data: OrchData }>();

export class OrchStore {
  private constructor(
    private readonly db: Low<OrchData>,
    private readonly file: string,
    /** The file as this store last read or wrote it: unchanged since, it need not be read again. */
    private seen: string | undefined,
  ) {}

  static async open(file: string): Promise<OrchStore> {
    await mkdir(dirname(file), { recursive: true });
    const db = new Low<OrchData>(new JSONFile<OrchData>(file), empty);
    // Taken before the read: a write in between leaves a newer file under an older identity,
    // which the next open (or update) finds changed and reads again.
    const seen = await identity(file);
    const known = snapshots.get(resolve(file));
    if (seen !== 'absent' && known?.identity === seen) db.data = known.data;
    else {
      await read(db, file);
      snapshots.set(resolve(file), { identity: seen, data: db.data });
    }
    return new OrchStore(db, file, seen);
  }

  get runs(): readonly RunIndexEntry[] {
    return this.db.data.runs;
  }

  /** Earlier runs' routing outcomes, oldest first. */
  get routing(): readonly RoutingRecord[] {
    return this.db.data.routing ?? [];
  }

  /** Lessons of closed defects, oldest first. */
  get lessons(): readonly LessonRecord[] {
    return this.db.data.lessons ?? [];
  }

  /** The learning store: finished attempts of earlier runs (and this one's so far), oldest first. */
  get outcomes(): readonly OutcomeRecord[] {
    return this.db.data.outcomes ?? [];
  }

  /**
   * Adds attempt outcomes keyed by run and attempt: one already there is replaced, or left as it
   * is when nothing but its time changed, so a resume that writes a run's outcomes again counts
   * none twice. Only the newest OUTCOMES_KEPT stay.
   */
  async upsertOutcomes(records: readonly OutcomeRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.update((data) => withOutcomes(data, records));
  }

  /** A finished task's routing outcome and its attempts' outcomes, in one write: `upsertRouting` and `upsertOutcomes` together. */
  async recordTaskEnd(routing: RoutingRecord | undefined, outcomes: readonly OutcomeRecord[]): Promise<void> {
    if (routing === undefined && outcomes.length === 0) return;
    await this.update((data) => withOutcomes(routing === undefined ? data : withRouting(data, [routing]), outcomes));
  }

  /** Forgets what Orch learned (outcomes and routing records), keeping the run index and lessons; says how many went. */
  async resetLearning(): Promise<{ readonly outcomes: number; readonly routing: number }> {
    let removed = { outcomes: 0, routing: 0 };
    await this.update((data) => {
      removed = { outcomes: data.outcomes?.length ?? 0, routing: data.routing?.length ?? 0 };
      if (removed.outcomes === 0 && removed.routing === 0) return data;
      return { ...data, outcomes: [], routing: [] };
    });
    return removed;
  }

  /** Adds lessons, replacing one of the same run and defect (a resume writes it again). */
  async addLessons(lessons: readonly LessonRecord[]): Promise<void> {
    if (lessons.length === 0) return;
    await this.update((data) => {
      const key = (l: LessonRecord): string => `${l.runId} ${l.defectId}`;
      const fresh = new Set(lessons.map(key));
      return { ...data, lessons: [...(data.lessons ?? []).filter((l) => !fresh.has(key(l))), ...lessons].slice(-LESSONS_KEPT) };
    });
  }

  /** The most recently started run, the default for `orch status`, `resume` and `cancel`. */
  latestRun(): RunIndexEntry | undefined {
    return [...this.db.data.runs].sort((a, b) => compareIsoTimes(b.startedAt, a.startedAt))[0];
  }

  async upsertRun(entry: RunIndexEntry): Promise<void> {
    await this.update((data) => ({ ...data, runs: [...data.runs.filter((r) => r.runId !== entry.runId), entry] }));
  }

  /** Adds a task's outcome (replacing an earlier one of the same run and task), keeping the newest per bucket. */
  async recordRouting(record: RoutingRecord): Promise<void> {
    await this.upsertRouting([record]);
  }

  /**
   * Adds outcomes keyed by run and task, idempotently: one already there with the same outcome
   * stays as it is (when it was written is not part of the outcome), so writing a run's outcomes
   * again after a resume counts none twice and changes nothing a normal finish wrote.
   */
  async upsertRouting(records: readonly RoutingRecord[]): Promise<void> {
    await this.update((data) => withRouting(data, records));
  }

  private async update(change: (data: OrchData) => OrchData): Promise<void> {
    const key = resolve(this.file);
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Read again only when someone else wrote it: parsing and checking a file of a few thousand
      // outcomes on every finished task costs more than the rest of the update.
      const now = await identity(this.file);
      if (now !== this.seen) {
        await read(this.db, this.file);
        this.seen = now;
        snapshots.set(key, { identity: now, data: this.db.data });
      }
      const data = change(this.db.data);
      if (data === this.db.data) return;
      this.db.data = data;
      this.seen = undefined;
      snapshots.delete(key);
      await this.db.write();
      this.seen = await identity(this.file);
      snapshots.set(key, { identity: this.seen, data });
    });
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    try {
      await next;
    } finally {
      if (queues.get(key) === settled) queues.delete(key);
    }
  }
}

function withOutcomes(data: OrchData, records: readonly OutcomeRecord[]): OrchData {
  const key = (r: OutcomeRecord): string => `${r.runId} ${r.attemptId}`;
  const old = new Map((data.outcomes ?? []).map((r) => [key(r), r]));
  const fresh = records.filter((r) => {
    const was = old.get(key(r));
    return was === undefined || JSON.stringify({ ...was, at: '' }) !== JSON.stringify({ ...r, at: '' });
  });
  if (fresh.length === 0) return data;
  const replaced = new Set(fresh.map(key));
  const all = [...(data.outcomes ?? []).filter((r) => !replaced.has(key(r))), ...fresh].sort((a, b) => compareIsoTimes(a.at, b.at));
  return { ...data, outcomes: all.slice(-OUTCOMES_KEPT) };
}

function withRouting(data: OrchData, records: readonly RoutingRecord[]): OrchData {
  let all = [...(data.routing ?? [])];
  let changed = false;
  for (const record of records) {
    const old = all.find((r) => r.runId === record.runId && r.taskId === record.taskId);
    if (old !== undefined && sameOutcome(old, record)) continue;
    changed = true;
    all = all.filter((r) => r !== old);
    // Kept oldest first, so the bound below drops the oldest: an outcome written late goes where its time puts it.
    const at = all.findIndex((r) => r.at > record.at);
    all.splice(at < 0 ? all.length : at, 0, record);
  }
  return changed ? { ...data, routing: newestPerBucket(all) } : data;
}

/** The file's inode, size and change time: any write (lowdb renames a new file in) changes it. */
async function identity(file: string): Promise<string> {
  const s = await stat(file, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return s === undefined ? 'absent' : `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function sameOutcome(a: RoutingRecord, b: RoutingRecord): boolean {
  return a.model === b.model && a.agent === b.agent && a.complexity === b.complexity && a.firstPass === b.firstPass && a.costUsd === b.costUsd;
}

function newestPerBucket(all: readonly RoutingRecord[]): RoutingRecord[] {
  const seen = new Map<string, number>();
  const kept: RoutingRecord[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const r = all[i]!;
    const n = seen.get(bucket(r)) ?? 0;
    if (n >= ROUTING_KEPT_PER_BUCKET) continue;
    seen.set(bucket(r), n + 1);
    kept.unshift(r);
  }
  return kept;
}

// True of both ways the file can be bad: the run logs hold each run's own record, and a run
// resumed is indexed again, but nothing rebuilds what earlier runs taught.
const DAMAGE_HINT =
  "move it aside and Orch starts a new one: the run logs under .orch/runs/ are intact, but the run index and what earlier runs taught start over; or put back a good copy, e.g. workspace/.orch/orch.json from an 'orch backup' archive";

/** Reads the file, refusing (never overwriting) one that is not Orch's. */
async function read(db: Low<OrchData>, file: string): Promise<void> {
  try {
    await db.read();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Read again for the line only when it failed: lowdb parses the file itself.
    const text = await readFile(file, 'utf8').catch(() => '');
    throw new InputError(`invalid JSON: ${error.message}; Orch will not overwrite it`, { file, line: jsonErrorLine(text, error) }, DAMAGE_HINT);
  }
  const bad = damage(db.data);
  if (bad !== undefined) throw new InputError(`${bad}: the file is damaged; Orch will not overwrite it`, { file }, DAMAGE_HINT);
}

// Only the routing records are read field by field; runs are shown as written.
const routingRecord = z.object({
  runId: z.string(),
  taskId: z.string(),
  model: z.string(),
  agent: z.string(),
  complexity: z.number(),
  firstPass: z.boolean(),
  costUsd: z.number(),
  at: z.string(),
}) satisfies z.ZodType<RoutingRecord>;
const lessonRecord = z.object({
  runId: z.string(),
  defectId: z.string(),
  taskId: z.string(),
  taskTitle: z.string(),
  agent: z.string(),
  category: z.string(),
  wrong: z.string(),
  fixed: z.string(),
  at: z.string(),
}) satisfies z.ZodType<LessonRecord>;
const orchFile = z.object({ runs: z.array(z.unknown()), routing: z.array(z.unknown()).optional(), lessons: z.array(z.unknown()).optional(), outcomes: z.array(z.unknown()).optional() });

function damage(data: unknown): string | undefined {
  const file = orchFile.safeParse(data);
  if (!file.success) {
    const field = file.error.issues[0]?.path[0];
    return field === undefined ? 'not a JSON object' : `${JSON.stringify(field)} is not a list`;
  }
  const routing = file.data.routing ?? [];
  const i = routing.findIndex((r) => !routingRecord.safeParse(r).success);
  if (i >= 0) return `routing[${i}] is not a routing record: ${JSON.stringify(routing[i]).slice(0, 120)}`;
  const lessons = file.data.lessons ?? [];
  const l = lessons.findIndex((r) => !lessonRecord.safeParse(r).success);
  if (l >= 0) return `lessons[${l}] is not a lesson: ${JSON.stringify(lessons[l]).slice(0, 120)}`;
  const outcomes = file.data.outcomes ?? [];
  const o = outcomes.findIndex((r) => !outcomeRecord.safeParse(r).success);
  return o < 0 ? undefined : `outcomes[${o}] is not an attempt outcome: ${JSON.stringify(outcomes[o]).slice(0, 120)}`;
}
