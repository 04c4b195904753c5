import { attemptId } from '../../protocol/ids';
import type { RunRouter } from '../router/run-router';
import type { WarmStarts } from '../runner/warm-starts';
import { PREPARED_AHEAD } from '../worktree/prepare-task-worktree';
import { reworkAgent, reworkModel } from '../defects/raise-defect';
import type { EngineContext } from './engine-context';
import type { TaskWorktree } from './worktrees';
import { spawnShape } from './run-one-attempt';

/**
 * Starts the CLI of each next task's first attempt once its prefetched worktree exists, so the
 * dispatch finds it loaded and waiting for its prompt; stops the ones whose task is no longer next.
 * Only a guess: the dispatch claims a process only if it would spawn exactly that one.
 *
 * The CLI starts once the worktree is prepared (`.worktreeinclude` copies, `worktree.setup`):
 * it reads its settings, CLAUDE.md and .mcp.json from the folder when it starts.
 *
 * Left cold, because the guess would be wrong:
 * - a task with attempts already (its rework may resume a session, and its brief changes);
 * - an attempt with a budget cap: the cap depends on what the running attempts will have spent;
 * - an agent that does not run on the claude CLI.
 */
// Each waiting CLI holds about 300 MB. Slots free up one at a time, so the first two tasks in line
// are the ones a warm start speeds up; a CLI per slot would cost gigabytes at --parallel 32.
const MAX_WARM = 2;

export class WarmNext {
  private wanted = new Set<string>();

  /** `room`: how many more claude processes the machine's free memory holds now. */
  constructor(
    private readonly ctx: EngineContext,
    private readonly warm: WarmStarts,
    private readonly router: RunRouter,
    private readonly room: () => number,
  ) {}

  /**
   * `next`: the ready tasks that wait for a slot, first first, each with its worktree being made.
   * `dispatched`: tasks just given a slot, whose attempt claims (or stops) its process itself.
   */
  follow(next: readonly { readonly taskId: string; readonly worktree: Promise<TaskWorktree | undefined> }[], dispatched: Iterable<string>): void {
    const wanted = new Set<string>();
    for (const taskId of dispatched) {
      const id = attemptId(taskId, 1);
      if (this.warm.has(id)) wanted.add(id);
    }
    const starts: { id: string; taskId: string; worktree: Promise<TaskWorktree | undefined> }[] = [];
    // Only tasks whose worktree is prepared ahead: another one's setup would run at its dispatch, under the CLI.
    for (const { taskId, worktree } of next.slice(0, Math.min(MAX_WARM, PREPARED_AHEAD, this.room()))) {
      const id = this.firstAttempt(taskId);
      if (id === undefined) continue;
      wanted.add(id);
      if (!this.warm.has(id)) starts.push({ id, taskId, worktree });
    }
    this.wanted = wanted;
    this.warm.keepOnly(wanted);
    for (const { id, taskId, worktree } of starts) {
      void worktree.then((made) => (made === undefined ? undefined : this.start(id, taskId, made.dir))).catch(() => undefined);
    }
  }

  /** Stops them all: the run ends, pauses or is cancelled. */
  stop(): Promise<void> {
    this.wanted = new Set();
    return this.warm.stopAll();
  }

  private firstAttempt(taskId: string): string | undefined {
    const ctx = this.ctx;
    const task = ctx.state().tasks[taskId];
    if (task?.state !== 'pending' || task.attempts.length > 0) return undefined;
    const assigned = ctx.assignments.get(taskId)?.agent;
    if (assigned === undefined || reworkAgent(ctx, taskId, assigned).provider !== 'claude') return undefined;
    return attemptId(taskId, 1);
  }

  private start(id: string, taskId: string, cwd: string): void {
    // Asked again now that the worktree is there: the task may have been dispatched meanwhile.
    if (!this.wanted.has(id) || this.firstAttempt(taskId) !== id || this.ctx.signal.aborted) return;
    const guess = this.router.preview(taskId);
    if (guess === undefined || guess.capUsd !== undefined) return;
    const agent = reworkAgent(this.ctx, taskId, this.ctx.assignments.get(taskId)!.agent);
    const model = reworkModel(this.ctx, taskId, guess.model);
    this.warm.start({ ...spawnShape(this.ctx, { taskId, attemptId: id, cwd, agent, model, capUsd: undefined }), prompt: '' }, { model });
  }
}
