// Prevention: a closed defect leaves a short lesson (its category, what went wrong, what fixed
// it); a later brief for the same agent, or for a task like the one that had it, carries the few
// that apply, under a strict token cap. Pure: the store and the engine feed it.

import type { DefectRecord } from '../../protocol/events-defects';
import type { LessonRecord } from '../store/orch-store';

/** At most this many lessons in one brief, and at most this many tokens (characters / 4) for all of them. */
export const MAX_BRIEF_LESSONS = 3;
export const MAX_LESSON_TOKENS = 150;
const MAX_PART_CHARS = 220;
/** A lesson from another agent applies when its task shares this many distinctive words with this one. */
const SIMILAR_WORDS = 2;

const STOP = new Set(['this', 'that', 'with', 'from', 'into', 'each', 'when', 'what', 'than', 'then', 'them', 'they', 'their', 'there', 'have', 'will', 'must', 'should', 'does', 'make', 'create', 'file', 'files', 'task', 'only', 'also', 'under', 'over', 'which', 'your']);

export function lessonOf(defect: DefectRecord, runId: string, taskTitle: string, fixedBy: string | undefined, at: string): LessonRecord {
  const findings = (defect.findings ?? []).map((f) => `${f.file === undefined ? '' : `${f.file}: `}${f.text}`).join('; ');
  return {
    runId,
    defectId: defect.id,
    taskId: defect.taskId,
    taskTitle,
    agent: ownerAgent(defect),
    category: defect.category,
    wrong: cut(findings === '' ? defect.summary : findings),
    fixed: cut(fixedBy === undefined || fixedBy.trim() === '' ? 'the rework passed verification' : fixedBy),
    at,
  };
}

// The lesson belongs to the agent that made the mistake, not to one it was escalated to.
function ownerAgent(defect: DefectRecord): string {
  return defect.escalations[0]?.from.agent ?? defect.owner.agent;
}

export interface BriefTask {
  readonly agent: string;
  readonly title: string;
  readonly description: string;
}

/** The lessons a brief carries, best first: the same agent's, then those of similar tasks; one per category. */
export function lessonsForBrief(lessons: readonly LessonRecord[], task: BriefTask): LessonRecord[] {
  const words = distinctive(`${task.title} ${task.description}`);
  const scored = lessons
    .map((lesson, index) => {
      const overlap = [...distinctive(`${lesson.taskTitle} ${lesson.wrong}`)].filter((w) => words.has(w)).length;
      return { lesson, index, overlap, sameAgent: lesson.agent === task.agent };
    })
    .filter((s) => s.sameAgent || s.overlap >= SIMILAR_WORDS)
    .sort((a, b) => Number(b.sameAgent) - Number(a.sameAgent) || b.overlap - a.overlap || b.index - a.index);
  const chosen: LessonRecord[] = [];
  const categories = new Set<string>();
  let tokens = 0;
  for (const { lesson } of scored) {
    if (chosen.length >= MAX_BRIEF_LESSONS) break;
    if (categories.has(lesson.category)) continue;
    const cost = Math.ceil(lessonLine(lesson).length / 4);
    if (tokens + cost > MAX_LESSON_TOKENS) continue;
    chosen.push(lesson);
    categories.add(lesson.category);
    tokens += cost;
  }
  return chosen;
}

export function lessonLine(lesson: LessonRecord): string {
  return `- [${lesson.category}] ${lesson.wrong} Fixed by: ${lesson.fixed}`;
}

/** The brief's section, or nothing when no lesson applies. */
export function lessonSection(lessons: readonly LessonRecord[]): string[] {
  if (lessons.length === 0) return [];
  return ['', '## Lessons from earlier defects', 'Work like this went wrong before; avoid the same mistakes:', ...lessons.map(lessonLine), ''];
}

function distinctive(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length >= 4 && !STOP.has(w)),
  );
}

function cut(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_PART_CHARS ? `${line.slice(0, MAX_PART_CHARS)}…` : line;
}
