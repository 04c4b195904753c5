// The scripted model's answers in the simulated world (bench/support/world.ts): the first
// answer of an attempt waits the task's hidden duration on the asking model, with noise, and
// writes the task's file correct ("OK") or wrong ("TODO", which the task's check rejects); the
// next answer says it is done. During a rate-limit storm calls get 429 with retry-after: every
// call, or those over a quota.
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { absolutePath, costing, rateLimited, slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { answerDelayMs, familyOf, passes, TOKENS, type WorldTask } from './world';

export interface StormWindow {
  /** From the first call the model sees, in ms. */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly retryAfterSec: number;
  /**
   * Absent: every call in the window gets 429. Present: a quota, as a provider's rate limit is:
   * a call gets 429 when `calls` calls were already answered in the last `perMs`, so fewer
   * agents at once meet fewer 429s.
   */
  readonly quota?: { readonly calls: number; readonly perMs: number };
}

export interface WorldScenario {
  readonly scenario: Scenario;
  /** Calls answered with 429. */
  readonly rateLimited: () => number;
}

/** `luck` names the run (seed and iteration): every draw of the run is keyed by it. */
export function worldScenario(tasks: readonly WorldTask[], luck: string, storm?: StormWindow): WorldScenario {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const attempts = new Map<string, number>();
  let firstCallAt: number | undefined;
  let limited = 0;
  const answered: number[] = [];
  const overQuota = (now: number): boolean => {
    if (storm?.quota === undefined) return true;
    const recent = answered.filter((t) => now - t < storm.quota!.perMs).length;
    return recent >= storm.quota.calls;
  };
  const scenario: Scenario = (request, context) => {
    const now = Date.now();
    firstCallAt ??= now;
    if (storm !== undefined && now - firstCallAt >= storm.fromMs && now - firstCallAt < storm.untilMs && overQuota(now)) {
      limited += 1;
      return rateLimited(storm.retryAfterSec)(request, context);
    }
    answered.push(now);
    if (answered.length > 1000) answered.splice(0, answered.length - 1000);
    const task = byId.get(/## Task (\S+):/.exec(request.userText)?.[1] ?? '');
    if (task === undefined) return textReply('Nothing to do.');
    const family = familyOf(request.model);
    const turn = turnsSinceLastInstruction(request);
    if (turn > 0) return costing(TOKENS[task.difficulty], () => textReply(`Wrote ${task.file}.`))(request, context);
    // A new instruction is a new attempt (the first brief or a rework); a client retry is not.
    const attempt = (attempts.get(task.id) ?? 0) + (context.repeat === 0 ? 1 : 0);
    attempts.set(task.id, attempt);
    const key = `${luck}|${task.id}|${family}|${attempt}`;
    const content = passes(family, task.difficulty, attempt, key) ? 'OK\n' : 'TODO\n';
    const write = writeTool(absolutePath(task.file, request), content);
    return costing(TOKENS[task.difficulty], slow(answerDelayMs(task, family, key), write))(request, context);
  };
  return { scenario, rateLimited: () => limited };
}
