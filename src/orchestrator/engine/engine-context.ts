import type { Prd, Provider, Roadmap, Task } from '../../protocol/domain';
import type { NewEvent } from '../../protocol/events';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { OrchConfig } from '../config/orch-config';
import type { EventLog } from '../events/event-log';
import type { AttemptOutcome, CheckResult } from '../../protocol/events';
import type { AttemptRequest } from '../runner/attempt-request';
import type { WarmStarts } from '../runner/warm-starts';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import type { Assignment } from './assign-agents';
import type { PauseGate } from './pause-gate';
import type { Worktrees } from './worktrees';
import type { Redact } from '../security/redact-secrets';
import type { RegistrySnapshot } from '../agents/agent-types';

/** The runner port: the engine never spawns an agent itself. */
export type AttemptRunner = (request: AttemptRequest, emit: (event: NewEvent) => void) => Promise<AttemptOutcome>;

/** Everything a task's execution needs, built once per run by the workflow engine. */
export interface EngineContext {
  readonly runId: string;
  readonly paths: WorkspacePaths;
  readonly config: OrchConfig;
  readonly log: EventLog;
  readonly roadmap: Roadmap;
  readonly assignments: ReadonlyMap<string, Assignment>;
  readonly tasks: ReadonlyMap<string, { readonly task: Task; readonly prd: Prd }>;
  /** Undefined outside a git repository: tasks then run in the workspace itself, one at a time. */
  readonly worktrees: Worktrees | undefined;
  /** One runner per provider: tests and remote workers substitute them. */
  readonly runners: Readonly<Record<Provider, AttemptRunner>>;
  readonly claudePath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  /** Keeps known secrets out of what the run writes: events, evidence. */
  readonly redact: Redact;
  /** A user's pause request (dashboard, editor): absent where nobody can ask for one. */
  readonly pause?: PauseGate;
  /** The agents a reviewer is chosen from; absent, no task is reviewed. */
  readonly registry?: RegistrySnapshot;
  /** Check results a queue worker reported with an attempt's work (check by check), taken once. */
  readonly workerChecks?: (attemptId: string) => readonly (readonly CheckResult[])[] | undefined;
  /** CLIs started for the next tasks while they wait for a slot: only with the local claude runner. */
  readonly warmStarts?: WarmStarts;
  state(): RunSnapshot;
}
