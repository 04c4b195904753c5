// Adaptive parallelism as a pure step function: the engine feeds it what it saw (rate limits,
// overloads, memory short of one more claude, attempts that succeeded) and the clock's time; it
// answers with the new limit and, when the limit moved, why. Halve on pressure, add one back
// after a few quiet seconds with successes: additive-increase / multiplicative-decrease. The
// request pace (request-rate.ts) does the same on the rate of tries, which is what a quota
// counts; this limit guards memory and overload, and halves once on a storm's first 429s.

export interface ParallelismSettings {
  /** The ceiling: `--parallel` (or the memory ceiling at the start, if lower). */
  readonly ceiling: number;
  /** After a back-off, memory pressure within this long counts as the same shortage. */
  readonly holdMs: number;
  /** How long without new pressure, with successes in it, before the limit rises by one. */
  readonly quietMs: number;
}

export interface ParallelismState {
  readonly limit: number;
  /** When the limit last moved (ms since the epoch), or the run started. */
  readonly changedAt: number;
  /** When pressure was last seen, if ever. */
  readonly pressureAt: number | undefined;
  /** When the limit was last halved, if ever. */
  readonly backedOffAt: number | undefined;
  /** Attempts that succeeded since the limit last moved. */
  readonly successes: number;
  /** When pressure that was news (a fresh 429 or 529, memory) was last seen: the ramp waits from it. */
  readonly newsAt?: number;
  /** 429s and 529s since the limit last moved that were the same burst (no news). */
  readonly stale?: number;
}

export type Pressure =
  /** `fresh`: the attempt started after the last back-off, so its 429 is news about the new limit. */
  | { readonly kind: 'rate-limited'; readonly attemptId: string; readonly status: number; readonly fresh: boolean }
  | { readonly kind: 'memory'; readonly freeBytes: number; readonly neededBytes: number };

export interface Observations {
  readonly pressure: readonly Pressure[];
  readonly successes: number;
}

export interface ParallelismChange {
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/** `resumed`: the limit the log last set, so a resume in a storm does not start at full width. */
export function initialParallelism(ceiling: number, now: number, resumed?: number): ParallelismState {
  const limit = resumed === undefined || !Number.isInteger(resumed) ? ceiling : Math.min(ceiling, resumed);
  return { limit: Math.max(1, limit), changedAt: now, pressureAt: undefined, backedOffAt: undefined, successes: 0 };
}

export function stepParallelism(
  state: ParallelismState,
  seen: Observations,
  now: number,
  settings: ParallelismSettings,
): { readonly state: ParallelismState; readonly change?: ParallelismChange } {
  const successes = state.successes + seen.successes;
  if (seen.pressure.length > 0) {
    // Every attempt in flight meets the same limit: one halving per burst. Only attempts started
    // under the new limit can tell it is still too high; memory, only once the hold has passed.
    const held = state.backedOffAt !== undefined && now - state.backedOffAt < settings.holdMs;
    const news = seen.pressure.filter((p) => (p.kind === 'rate-limited' ? p.fresh : !held));
    // Memory short now, held or not, is no time to add a process.
    const blocking = seen.pressure.some((p) => p.kind === 'memory' || p.fresh);
    const stale = (state.stale ?? 0) + seen.pressure.filter((p) => p.kind === 'rate-limited' && !p.fresh).length;
    if (state.limit <= 1 || news.length === 0) return { state: { ...state, pressureAt: now, successes: blocking ? 0 : successes, stale, ...(blocking ? { newsAt: now } : {}) } };
    const to = Math.max(1, Math.floor(state.limit / 2));
    return {
      state: { limit: to, changedAt: now, pressureAt: now, backedOffAt: now, successes: 0, newsAt: now, stale: 0 },
      change: { from: state.limit, to, reason: pressureReason(news) },
    };
  }
  const quietSince = Math.max(state.changedAt, state.newsAt ?? state.changedAt);
  if (state.limit < settings.ceiling && successes > 0 && now - quietSince >= settings.quietMs) {
    const to = state.limit + 1;
    const quietSec = ((now - (state.newsAt ?? state.changedAt)) / 1000).toFixed(1);
    const stale = (state.stale ?? 0) > 0 ? ` (${state.stale} 429/529 answer(s) meanwhile went to tries already paced or started before the back-off: no news)` : '';
    return {
      state: { ...state, limit: to, changedAt: now, successes: 0, stale: 0 },
      change: { from: state.limit, to, reason: `no rate limit, overload or memory pressure for ${quietSec} s and ${successes} attempt(s) succeeded${stale}: one more at once, up to ${settings.ceiling}` },
    };
  }
  return { state: { ...state, successes } };
}

function pressureReason(pressure: readonly Pressure[]): string {
  const limited = pressure.filter((p): p is Extract<Pressure, { kind: 'rate-limited' }> => p.kind === 'rate-limited');
  const memory = pressure.find((p): p is Extract<Pressure, { kind: 'memory' }> => p.kind === 'memory');
  const parts: string[] = [];
  if (limited.length > 0) {
    const codes = [...new Set(limited.map((p) => p.status))].sort();
    const attempts = [...new Set(limited.map((p) => p.attemptId))];
    const what = codes.every((c) => c === 529) ? 'overloaded' : 'rate-limited';
    parts.push(`${limited.length} ${codes.join('/')} answer(s) (${what}) in ${attempts.slice(0, 3).join(', ')}${attempts.length > 3 ? ` and ${attempts.length - 3} more` : ''}`);
  }
  if (memory !== undefined) parts.push(`free memory ${mb(memory.freeBytes)} is below the ${mb(memory.neededBytes)} one more claude needs`);
  return `${parts.join('; ')}: halved the attempts at once`;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
