// The scripted model and helpers both distributed-run test files share: each task writes the file
// its brief asks for, and one named file's first answer is slow enough to kill what runs it.

import type { ChildProcess } from 'node:child_process';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { RecordedRequest } from '../../src/scripted-model/server';

export const fileOf = (text: string): string | undefined => /Create (\S+) for PRD-/.exec(text)?.[1];
export const fileAsked = (r: RecordedRequest): string | undefined => fileOf(r.parsed?.userText ?? '');

/**
 * Writes the file the task asks for; `slowFile`'s first answer takes `slowMs`. The task of
 * `rework.file` (its rework's text names the task's title) writes `rework.fix` from its rework on:
 * a new file, since the CLI refuses a Write over a file the session has not read.
 */
export function scenario(slowFile: string, slowMs: number, rework?: { readonly file: string; readonly fix: string }): Scenario {
  let slowCalls = 0;
  let reworkCalls = 0;
  return (request, context) => {
    const file = fileOf(request.userText) ?? (rework !== undefined && request.userText.includes(`(Make ${rework.file})`) ? rework.file : 'unknown.txt');
    if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
    if (file === slowFile && slowCalls++ === 0) return slow(slowMs, writeTool(file, `${file}\n`))(request, context);
    if (file === rework?.file && reworkCalls++ > 0) return writeTool(rework.fix, 'done\n')(request, context);
    return writeTool(file, `${file}\n`)(request, context);
  };
}

/** The process's exit code and everything it printed. */
export function finished(child: ChildProcess): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/**
 * Waits for `awaited` while the coordinator runs. When the coordinator ends first, or the wait
 * fails, the error carries what the coordinator and each worker printed: a distributed run that
 * stalls is otherwise a bare timeout.
 */
export async function whileRunning<T>(
  awaited: Promise<T>,
  coordinator: Promise<{ code: number | null; out: string }>,
  workers: readonly { readonly name: string; output(): string }[],
): Promise<T> {
  const ended = coordinator.then((run) => Promise.reject(new Error(`the coordinator exited with ${run.code} first`)));
  try {
    return await Promise.race([awaited, ended]);
  } catch (error) {
    const printed = workers.map((w) => `--- worker ${w.name}:\n${w.output()}`).join('\n');
    const run = await Promise.race([coordinator, Promise.resolve(undefined)]);
    const coordinatorOut = run === undefined ? '(still running)' : `exit ${run.code}:\n${run.out}`;
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- coordinator ${coordinatorOut}\n${printed}`, { cause: error });
  } finally {
    ended.catch(() => undefined);
  }
}
