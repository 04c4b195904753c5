// Who a message can go to. A name that matches nothing is an error listing every valid name,
// so nothing ever lands in a phantom inbox.

import type { TaskState } from '../../protocol/domain';
import { PERSON } from '../../protocol/events-messages';
import { splitTaskId } from '../../protocol/ids';

export interface Member {
  /** Qualified task id, `PRD-1/T2`. */
  readonly taskId: string;
  readonly agent: string;
  readonly team?: string;
  readonly state: TaskState;
}

export type Resolved = { readonly to: readonly string[] } | { readonly error: string };

/** Finished for good: nothing will read a message sent to it any more. */
export function isFinished(state: TaskState): boolean {
  return state === 'verified' || state === 'cancelled';
}

function validNames(members: readonly Member[]): string[] {
  const agents = [...new Set(members.map((m) => m.agent))].sort();
  return [...agents, ...members.map((m) => m.taskId), PERSON];
}

function unknown(to: string, members: readonly Member[], from: string): Resolved {
  const names = validNames(members).filter((n) => n !== from);
  return { error: `unknown recipient ${JSON.stringify(to)}: nothing was sent. Valid names: ${names.join(', ')}` };
}

/**
 * `to`: `person`, a qualified task id, a task id of the sender's PRD (else unique in the run),
 * or an agent name (its one task, else its running ones). Never the sender itself.
 */
export function resolveRecipient(members: readonly Member[], from: string, to: string): Resolved {
  const name = to.trim();
  if (name === '') return unknown(to, members, from);
  if (name.toLowerCase() === PERSON) return { to: [PERSON] };
  const own = splitTaskId(from).prdId;
  const short = (m: Member): boolean => splitTaskId(m.taskId).taskId === name;
  const exact = members.filter((m) => m.taskId === name);
  const inOwnPrd = members.filter((m) => short(m) && splitTaskId(m.taskId).prdId === own);
  const byId = exact.length > 0 ? exact : inOwnPrd.length > 0 ? inOwnPrd : members.filter(short);
  if (byId.length > 1) return { error: `${JSON.stringify(to)} names ${byId.length} tasks (${byId.map((m) => m.taskId).join(', ')}): use the qualified id` };
  if (byId.length === 1) return byId[0]!.taskId === from ? { error: `${JSON.stringify(to)} is you: send to another task or agent` } : { to: [byId[0]!.taskId] };
  const byAgent = members.filter((m) => m.agent === name && m.taskId !== from);
  if (byAgent.length === 1) return { to: [byAgent[0]!.taskId] };
  if (byAgent.length > 1) {
    const running = byAgent.filter((m) => m.state === 'running' || m.state === 'verifying');
    if (running.length === 1) return { to: [running[0]!.taskId] };
    return { error: `agent ${name} has ${byAgent.length} tasks (${byAgent.map((m) => `${m.taskId} ${m.state}`).join(', ')}): send to one of them by task id` };
  }
  if (members.some((m) => m.agent === name)) return { error: `${JSON.stringify(to)} is you: send to another task or agent` };
  return unknown(to, members, from);
}

/** `prd`: the sender's PRD; `run`: every task; else a team name. Finished tasks and the sender are left out. */
export function resolveScope(members: readonly Member[], from: string, scope: string): Resolved {
  const name = scope.trim();
  const own = splitTaskId(from).prdId;
  const teams = [...new Set(members.flatMap((m) => (m.team === undefined ? [] : [m.team])))].sort();
  let inScope: readonly Member[];
  if (name === 'prd') inScope = members.filter((m) => splitTaskId(m.taskId).prdId === own);
  else if (name === 'run') inScope = members;
  else if (teams.includes(name)) inScope = members.filter((m) => m.team === name);
  else return { error: `unknown scope ${JSON.stringify(scope)}: nothing was sent. Valid scopes: prd, run${teams.length > 0 ? `, ${teams.join(', ')}` : ''}` };
  return { to: inScope.filter((m) => m.taskId !== from && !isFinished(m.state)).map((m) => m.taskId) };
}
