// The person's answers reach the run's one writer through files: `orch answer` (another
// process) drops one in the run's folder, and the running Orch picks it up, records it and
// removes it. With no Orch running, the file waits for `orch resume`: an answer is never lost.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dropRequest, waitingRequests } from '../workspace/request-drop';

export interface DroppedAnswer {
  readonly taskId: string;
  readonly text: string;
}

function answersDir(runDir: string): string {
  return join(runDir, 'answers');
}

export function dropAnswer(runDir: string, answer: DroppedAnswer): Promise<string> {
  return dropRequest(answersDir(runDir), answer);
}

/** Answers waiting in the folder, oldest first; a file that is not an answer is named in `bad`. */
export async function takeDropped(runDir: string): Promise<{ file: string; answer?: DroppedAnswer; bad?: string }[]> {
  const dir = answersDir(runDir);
  const names = await waitingRequests(dir);
  const out: { file: string; answer?: DroppedAnswer; bad?: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      const value = JSON.parse(await readFile(file, 'utf8')) as Partial<DroppedAnswer>;
      if (typeof value.taskId !== 'string' || typeof value.text !== 'string') throw new Error('needs {taskId, text} strings');
      out.push({ file, answer: { taskId: value.taskId, text: value.text } });
    } catch (error) {
      out.push({ file, bad: (error as Error).message });
    }
  }
  return out;
}

export async function removeDropped(file: string): Promise<void> {
  await rm(file, { force: true });
}
