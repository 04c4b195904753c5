// The engine's one hook into forecasting: a forecast when the run starts or resumes, and a fresh
// one after each time an attempt or a task ends. Ends that come close together (a wave of tasks
// at high parallelism, a task's attempt.finished then task.verified) share one forecast made
// after the last of them, at most one per MIN_GAP_MS, except the one that finds no task left:
// a forecast of 200 tasks costs tens of ms of the event loop. Forecasts only inform: failing to
// make one never stops the run, and one made after the log closed is dropped.

import type { EngineContext } from '../engine/engine-context';
import { ModelCatalog } from '../router/model-catalog';
import { OrchStore } from '../store/orch-store';
import type { OutcomeRecord } from '../store/outcome-record';
import { plannedTasks } from './estimate-plan';
import { liveForecast } from './live-forecast';

const TRIGGERS = new Set<string>(['attempt.finished', 'task.verified', 'task.blocked', 'task.failed']);
const ENDED = new Set<string>(['verified', 'blocked', 'failed', 'cancelled']);
const MIN_GAP_MS = 1_000;

export async function forecastLive(ctx: EngineContext, parallel: number): Promise<void> {
  try {
    await start(ctx, parallel);
  } catch (error) {
    await ctx.log.append({ type: 'warning.raised', message: `no live forecast for this run: ${(error as Error).message}` }).catch(() => undefined);
  }
}

async function start(ctx: EngineContext, parallel: number): Promise<void> {
  const stored = await OrchStore.open(ctx.paths.storeFile).then(
    (store): readonly OutcomeRecord[] => store.outcomes,
    (): readonly OutcomeRecord[] => [],
  );
  const catalog = ModelCatalog.build(ctx.config.models);
  const planned = plannedTasks({ roadmap: ctx.roadmap, assignments: ctx.assignments, catalog, phases: ctx.config.phases }).filter((t) => ctx.state().tasks[t.features.taskId] !== undefined);
  // Without worktrees the engine runs one task at a time.
  const slots = ctx.worktrees === undefined ? 1 : parallel;
  let chain = Promise.resolve();
  const update = (): Promise<void> => {
    chain = chain
      .then(async () => {
        await ctx.log.append({ type: 'forecast.updated', forecast: liveForecast(planned, ctx.state(), stored, catalog, slots, new Date()) });
      })
      .catch((error: unknown) => ctx.log.append({ type: 'warning.raised', message: `could not update the forecast: ${(error as Error).message}` }).then(
        () => undefined,
        () => undefined,
      ));
    return chain;
  };
  let lastAt = Number.NEGATIVE_INFINITY;
  let later: NodeJS.Timeout | undefined;
  const now = (): void => {
    if (later !== undefined) clearTimeout(later);
    later = undefined;
    lastAt = performance.now();
    void update();
  };
  const allEnded = (): boolean => planned.every((t) => ENDED.has(ctx.state().tasks[t.features.taskId]?.state ?? 'verified'));
  ctx.log.subscribe((event) => {
    if (!TRIGGERS.has(event.type)) return;
    const wait = lastAt + MIN_GAP_MS - performance.now();
    if (wait <= 0 || allEnded()) now();
    else if (later === undefined) (later = setTimeout(now, wait)).unref();
  });
  lastAt = performance.now();
  // Appended (in a microtask queued now) before the engine dispatches, but the dispatch does
  // not wait for it to be on disk: a forecast is never needed for a resume.
  void update();
}
