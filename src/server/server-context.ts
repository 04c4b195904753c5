import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { RunTails } from '../orchestrator/views/run-tails';

/** What route handlers share; built once per server. */
export interface ServerContext {
  readonly paths: WorkspacePaths;
  readonly port: number;
  readonly tails: RunTails;
  readonly staticDir: string;
  readonly builtinAgentsDir: string;
  readonly homeDir: string;
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path parameters, already decoded. */
  readonly params: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: RouteRequest, context: ServerContext) => Promise<void>;
