// Predictions of a run before and while it runs: how long, how much, and which tasks are at
// risk. Shared by `orch plan --estimate`, `orch status`, the live engine and the dashboard's
// graphs, so each reads the same numbers.

/** A predicted quantity: the median and an 80% interval (`lo` is the 10th percentile, `hi` the 90th). */
export interface Interval {
  readonly p50: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * Where a prediction comes from: `history` when the learning store had outcomes like it,
 * `defaults` when it had none and stated defaults stood in (the `note` says which).
 */
export type ForecastBasis = 'history' | 'defaults';

export interface TaskForecast {
  readonly taskId: string;
  readonly durationMs: Interval;
  readonly costUsd: Interval;
  /** The chance, 0 to 1, that the task fails its first pass or ends blocked. */
  readonly risk: number;
  readonly basis: ForecastBasis;
  /** Outcomes in the learning store this prediction drew on. */
  readonly samples: number;
}

/** A PRD, a milestone or the whole run: wall time over its DAG at the run's parallelism. */
export interface GroupForecast {
  readonly id: string;
  readonly title: string;
  readonly wallMs: Interval;
  readonly costUsd: Interval;
  /** The chance that at least one of its tasks fails its first pass or ends blocked. */
  readonly risk: number;
}

/** `orch plan <roadmap> --estimate --json` prints exactly this. */
export interface PlanEstimate {
  readonly basis: ForecastBasis;
  /** Said when some or all predictions fell back to defaults, naming them. */
  readonly note?: string;
  readonly parallel: number;
  readonly run: GroupForecast;
  readonly milestones: readonly GroupForecast[];
  readonly prds: readonly GroupForecast[];
  readonly tasks: readonly TaskForecast[];
}

/** The forecast as a live run stands, updated as attempts finish. */
export interface LiveForecast {
  readonly at: string;
  readonly basis: ForecastBasis;
  /** Wall time still to go. */
  readonly etaMs: Interval;
  readonly costToCompleteUsd: Interval;
  readonly tasksLeft: number;
  /** Tasks not yet verified whose risk is high, riskiest first, each with why. */
  readonly atRisk: readonly { readonly taskId: string; readonly risk: number; readonly why: string }[];
}
