import { existsSync } from 'node:fs';
import { audited } from '../orchestrator/audit/audit-log';
import { AUDIT_ACTOR_ENV, AUDITED_BY_PARENT_ENV, auditFile, localActor, type AuditActor } from '../orchestrator/audit/audit-entry';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import type { CliIo } from './cli-io';
import { EXIT } from '../protocol/exit-codes';


/** Not when a parent recorded it, nor for a workspace that does not exist (the command fails there, and no folder is made for it). */
function recorded(io: CliIo, paths: WorkspacePaths): boolean {
  return io.env[AUDITED_BY_PARENT_ENV] === undefined && existsSync(paths.root);
}

function actorOf(io: CliIo): AuditActor {
  return localActor(io.env[AUDIT_ACTOR_ENV] === 'vscode' ? 'vscode' : 'cli');
}

/**
 * A state-changing command, recorded in `.orch/audit.jsonl` before it acts and with its exit code
 * after. Exit 2 (bad input, a lock held by another run) means it did not take effect: `failed`;
 * any other code means it acted, whatever its tasks did.
 */
export async function cliAudited(io: CliIo, paths: WorkspacePaths, what: { action: string; target?: string; detail?: Record<string, unknown> }, act: () => Promise<number>): Promise<number> {
  if (!recorded(io, paths)) return act();
  return audited(auditFile(paths), { who: actorOf(io), from: `pid ${process.pid}`, ...what }, act, (code) => ({
    detail: { exitCode: code },
    ...(code === EXIT.usage ? { failed: `exit code ${code}` } : {}),
  }));
}

/** The same for a step whose result is a value: an exception is its failure. */
export async function cliAuditedValue<T>(io: CliIo, paths: WorkspacePaths, what: { action: string; target?: string; detail?: Record<string, unknown> }, act: () => Promise<T>): Promise<T> {
  if (!recorded(io, paths)) return act();
  return audited(auditFile(paths), { who: actorOf(io), from: `pid ${process.pid}`, ...what }, act);
}
