// Once a task is verified its fixed defects are done with: each is closed with its lesson, and
// the lesson is kept in `.orch/orch.json` for later runs' briefs.

import type { Activity } from '../../protocol/events';
import type { EngineContext } from '../engine/engine-context';
import { OrchStore, type LessonRecord } from '../store/orch-store';
import { lessonLine, lessonOf, lessonsForBrief, lessonSection } from './lessons';

export async function closeDefects(ctx: EngineContext, taskId: string): Promise<void> {
  const state = ctx.state();
  const title = ctx.tasks.get(taskId)?.task.title ?? taskId;
  const lessons: LessonRecord[] = [];
  for (const d of Object.values(state.defects ?? {})) {
    if (d.taskId !== taskId || d.state !== 'verified') continue;
    const fixer = d.attempts.at(-1);
    const lesson = lessonOf(d, ctx.runId, title, fixer === undefined ? undefined : lastText(state.attempts[fixer]?.activity ?? []), new Date().toISOString());
    await ctx.log.append({ type: 'defect.closed', defectId: d.id, lesson: lessonLine(lesson).slice(2) });
    lessons.push(lesson);
  }
  if (lessons.length === 0) return;
  // orch.json only carries lessons to later briefs: failing to write one must not stop this run.
  try {
    await (await OrchStore.open(ctx.paths.storeFile)).addLessons(lessons);
  } catch (error) {
    await ctx.log.append({ type: 'warning.raised', taskId, message: `could not keep ${taskId}'s lessons in ${ctx.paths.storeFile}: ${(error as Error).message}` });
  }
}

/** The brief's lessons section for this task's agent: those of earlier runs and of this run so far. */
export async function briefLessons(ctx: EngineContext, taskId: string, agent: string): Promise<string[]> {
  const entry = ctx.tasks.get(taskId);
  if (entry === undefined) return [];
  let kept: readonly LessonRecord[];
  try {
    kept = (await OrchStore.open(ctx.paths.storeFile)).lessons;
  } catch {
    // A damaged orch.json is reported where it is written; a brief goes without lessons.
    return [];
  }
  return lessonSection(lessonsForBrief(kept, { agent, title: entry.task.title, description: entry.task.description }));
}

function lastText(activity: readonly Activity[]): string | undefined {
  const text = activity.filter((a) => a.kind === 'text').at(-1);
  return text?.kind === 'text' ? text.text : undefined;
}
