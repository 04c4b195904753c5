import type { RunSnapshot, TaskSnapshot } from '../../../src/protocol/run-snapshot';

export interface TaskMessage {
  readonly attemptId: string;
  readonly agent: string;
  /** Position in its attempt's activity, so a message can be found there. */
  readonly index: number;
  readonly text: string;
  readonly truncated?: string;
}

/** The agents' text messages on a task, attempt after attempt, each attempt's in order: newest last. */
export function taskMessages(run: RunSnapshot, task: TaskSnapshot): readonly TaskMessage[] {
  const messages: TaskMessage[] = [];
  for (const attemptId of task.attempts) {
    const attempt = run.attempts[attemptId];
    if (attempt === undefined) continue;
    attempt.activity.forEach((activity, index) => {
      if (activity.kind !== 'text' || activity.text.trim() === '') return;
      messages.push({ attemptId, agent: attempt.agent, index, text: activity.text, ...(activity.truncated === undefined ? {} : { truncated: activity.truncated }) });
    });
  }
  return messages;
}
