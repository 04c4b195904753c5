import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { WorkspacePaths } from '../workspace/workspace-paths';

/** Who acted: a named scoped token, the dashboard's own per-server token, the editor, or the CLI. */
export interface AuditActor {
  readonly kind: 'token' | 'dashboard' | 'vscode' | 'cli';
  /** The token's name; for the editor and the CLI, the OS user. */
  readonly name: string;
  readonly user: string;
}

/**
 * Every state-changing action is one `requested` entry, written (and fsynced) before the action
 * runs, then one entry with its outcome that points back at it (`ref`). A refusal (a read token
 * on a control route) is one `refused` entry: nothing was attempted.
 */
export type AuditOutcome = 'requested' | 'succeeded' | 'failed' | 'refused';

export interface AuditRecord {
  readonly who: AuditActor;
  /** `127.0.0.1:PORT` for an HTTP client, `pid N` for a local process. */
  readonly from: string;
  /** `run.start`, `run.pause`, `run.resume`, `run.cancel`, `run.retry`, `run.budget`, `token.create`, `token.revoke`, `answer`, ... */
  readonly action: string;
  /** The run id, token name or task the action is about. */
  readonly target?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly outcome: AuditOutcome;
  readonly error?: string;
  /** For an outcome: the seq of the `requested` entry it closes. */
  readonly ref?: number;
}

export interface AuditEntry extends AuditRecord {
  readonly seq: number;
  readonly at: string;
  /** The previous entry's hash (GENESIS for the first). */
  readonly prev: string;
  /** sha256 of `prev` and this entry without `hash`: an edit anywhere breaks the chain from there on. */
  readonly hash: string;
}

export const GENESIS = '0'.repeat(64);

/**
 * Set by a parent that has audited the action itself (the dashboard server starting a run for a
 * token): the child `orch` records nothing, so one action is one record, under the right name.
 */
export const AUDITED_BY_PARENT_ENV = 'ORCH_AUDITED_BY_PARENT';
/** `vscode` when the editor starts the CLI: its actions are the editor user's. */
export const AUDIT_ACTOR_ENV = 'ORCH_AUDIT_ACTOR';

export function auditFile(paths: WorkspacePaths): string {
  return join(paths.orchDir, 'audit.jsonl');
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entry.prev).update('\n').update(JSON.stringify(entry)).digest('hex');
}

/** The CLI's or the editor's actor: the OS user that runs it. */
export function localActor(kind: 'cli' | 'vscode'): AuditActor {
  const user = osUser();
  return { kind, name: user, user };
}

export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
