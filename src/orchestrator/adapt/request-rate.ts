// The pace of model requests in a rate-limit storm, as a pure step function. A 429 means the
// provider's quota is spent: what refills it is fewer requests per second, not fewer attempts
// that start while the running ones go on retrying. So every try of the claude CLI (an
// attempt's first and each retry) passes one shared gate: none before the latest retry-after,
// and, once a 429 was seen, at most `perMin` a minute. Additive increase per try that got its
// answers, multiplicative decrease per fresh 429 (TCP's AIMD), and the limit is lifted once the
// rate is back where the storm found it, so capacity returns after a few successes, not after
// a fixed silence. The pace never falls below one try per retry-after: the provider said when
// to come back, and a rejected request costs no tokens, only a process start.

export interface RateSettings {
  /** The lowest pace, tries a minute, whatever the retry-after: the gate never closes for good. */
  readonly floorPerMin: number;
  /** Added to the pace for each try that got its answers, at least. */
  readonly increasePerMin: number;
  /** Successes that bring the pace from nothing back to where the storm found it: the step is that rate over this. */
  readonly rampTries: number;
  /** The start rate at the first 429 is measured over this long. */
  readonly windowMs: number;
}

export const DEFAULT_RATE_SETTINGS: RateSettings = { floorPerMin: 2, increasePerMin: 2, rampTries: 4, windowMs: 20_000 };

export interface RateState {
  /** Tries a minute the gate lets through; undefined: no limit (no storm, or it cleared). */
  readonly perMin: number | undefined;
  /** No try starts before this (ms since the epoch): the latest retry-after any try was given. */
  readonly openAt: number;
  readonly lastGrantAt: number | undefined;
  /** When the pace was last cut: a 429 met by a try let through before it is the same burst. */
  readonly cutAt: number | undefined;
  /** The start rate the storm found: back there, the limit is lifted. */
  readonly releasePerMin: number | undefined;
  /** The lowest pace this storm: one try per its retry-after. */
  readonly floorPerMin: number | undefined;
  /** Times of the tries let through within the window. */
  readonly grants: readonly number[];
  /** Since the last logged decision: the 429s and successes it folds in. */
  readonly limitedSince: number;
  readonly succeededSince: number;
  readonly loggedAt: number | undefined;
  /** The pace the last logged decision set. */
  readonly loggedPerMin: number | undefined;
}

export interface RateChange {
  /** Tries a minute, or `unlimited`. */
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

type Step = { readonly state: RateState; readonly change?: RateChange };

export function initialRate(): RateState {
  return { perMin: undefined, openAt: 0, lastGrantAt: undefined, cutAt: undefined, releasePerMin: undefined, floorPerMin: undefined, grants: [], limitedSince: 0, succeededSince: 0, loggedAt: undefined, loggedPerMin: undefined };
}

/** How long the next try must wait from `now`: the shared window, then the pace. */
export function waitMs(s: RateState, now: number): number {
  const paced = s.perMin === undefined || s.lastGrantAt === undefined ? 0 : s.lastGrantAt + 60_000 / s.perMin - now;
  return Math.max(0, s.openAt - now, paced);
}

/** A try was let through at `now`. */
export function granted(s: RateState, now: number, settings: RateSettings): RateState {
  return { ...s, lastGrantAt: now, grants: [...s.grants.filter((t) => now - t < settings.windowMs), now] };
}

/**
 * A try let through at `grantedAt` met a 429 asking to wait `retryAfterMs`. Every try waits
 * that out; the pace halves once per burst, only when the try started after the last cut.
 */
export function rateLimited(s: RateState, seen: { readonly grantedAt: number; readonly retryAfterMs: number }, now: number, settings: RateSettings): Step {
  const next: RateState = { ...s, openAt: Math.max(s.openAt, now + seen.retryAfterMs), limitedSince: s.limitedSince + 1 };
  const fresh = s.cutAt === undefined || seen.grantedAt >= s.cutAt;
  const floor = round(Math.max(settings.floorPerMin, 60_000 / Math.max(1, seen.retryAfterMs)));
  if (!fresh || (s.perMin !== undefined && s.perMin <= floor)) return { state: next };
  const found = observedPerMin(s, now, settings);
  const base = s.perMin ?? found;
  const to = round(Math.max(floor, base / 2));
  const release = s.releasePerMin ?? Math.max(found, 2 * to);
  const wait = (seen.retryAfterMs / 1000).toFixed(0);
  const reason =
    `${next.limitedSince} 429 answer(s) since the last change (the last asking to wait ${wait} s): ` +
    `every attempt's tries now wait for one shared window and start at most ${to} a minute` +
    (s.perMin === undefined ? ` (they were starting ${round(found)} a minute)` : '');
  return logged({ ...next, perMin: to, cutAt: now, releasePerMin: release, floorPerMin: floor }, { from: label(s.perMin), to: label(to), reason }, now);
}

/** A try let through by the gate got its answers: the pace rises by one step. */
export function succeeded(s: RateState, now: number, settings: RateSettings): Step {
  const next: RateState = { ...s, succeededSince: s.succeededSince + 1 };
  if (s.perMin === undefined) return { state: next };
  const step = round(Math.max(settings.increasePerMin, (s.releasePerMin ?? 0) / settings.rampTries));
  const to = round(s.perMin + step);
  const since = ((now - (s.cutAt ?? now)) / 1000).toFixed(1);
  if (to >= (s.releasePerMin ?? Number.POSITIVE_INFINITY)) {
    const reason = `${next.succeededSince} tries got their answers, none hit a new 429 in the ${since} s since the last cut${stale(s)}: back to the rate before the storm (${round(s.releasePerMin ?? to)} a minute), so no limit`;
    return logged({ ...next, perMin: undefined, releasePerMin: undefined, floorPerMin: undefined, cutAt: undefined }, { from: label(s.loggedPerMin ?? s.perMin), to: label(undefined), reason }, now);
  }
  // Raises come with every success: one line each time the pace has doubled since the last one.
  if (to < 2 * (s.loggedPerMin ?? to)) return { state: { ...next, perMin: to } };
  const reason = `${next.succeededSince} tries got their answers since the last change, the last cut ${since} s ago${stale(s)}: each success adds ${step} a minute`;
  return logged({ ...next, perMin: to }, { from: label(s.loggedPerMin), to: label(to), reason }, now);
}

/** The 429s a decision folds in that were no news: tries let through before the last cut. */
function stale(s: RateState): string {
  return s.limitedSince > 0 ? ` (${s.limitedSince} 429 answer(s) since then went to tries let through before it: the same burst)` : '';
}

function logged(state: RateState, change: RateChange, now: number): Step {
  return { state: { ...state, limitedSince: 0, succeededSince: 0, loggedAt: now, loggedPerMin: state.perMin }, change };
}

/** Tries a minute over the window (at least a quarter of it, so a run's first burst of starts does not read as its rate). */
function observedPerMin(s: RateState, now: number, settings: RateSettings): number {
  const recent = s.grants.filter((t) => now - t < settings.windowMs);
  const first = recent[0];
  if (first === undefined) return settings.floorPerMin * 2;
  const span = Math.max(settings.windowMs / 4, now - first);
  return (recent.length * 60_000) / span;
}

function round(perMin: number): number {
  return Math.round(perMin * 10) / 10;
}

function label(perMin: number | undefined): string {
  return perMin === undefined ? 'unlimited' : `${perMin}/min`;
}
