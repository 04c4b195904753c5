import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { RunTails } from '../orchestrator/views/run-tails';
import type { Principal } from './principal';

/** What route handlers share; built once per server. */
export interface ServerContext {
  readonly paths: WorkspacePaths;
  readonly port: number;
  readonly tails: RunTails;
  readonly staticDir: string;
  readonly builtinAgentsDir: string;
  readonly homeDir: string;
  /** `.orch/audit.jsonl`. */
  readonly auditFile: string;
  readonly openApi: Readonly<Record<string, unknown>>;
  /** How to start the `orch` CLI (argv before `run ...`) and what to add to its environment; without it runs cannot be started here. */
  readonly orch?: OrchCommand;
}

export interface OrchCommand {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path parameters, already decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** Who sent it (undefined on public routes). */
  readonly principal?: Principal;
  /** The JSON body, parsed with the route's schema. */
  readonly body?: unknown;
  /** What a control route's audit outcome adds: the run it started, say. */
  readonly outcome: { target?: string; detail?: Record<string, unknown> };
}

export type RouteHandler = (request: RouteRequest, context: ServerContext) => Promise<void>;
