import { statSync } from 'node:fs';
import { osUser, type AuditActor } from '../orchestrator/audit/audit-entry';
import { findToken, readTokens, tokenState, type StoredToken, type TokenScope } from '../orchestrator/tokens/token-store';
import { tokensEqual } from './request-guard';

/** Who a request or socket speaks for, and what it may do. */
export interface Principal {
  readonly kind: 'dashboard' | 'token';
  /** `dashboard` for the per-server token, else the scoped token's name. */
  readonly name: string;
  readonly scope: TokenScope;
  /** The stored token's hash: how a later check finds it revoked or expired. */
  readonly sha256?: string;
}

export function principalActor(principal: Principal): AuditActor {
  return { kind: principal.kind, name: principal.name, user: osUser() };
}

/**
 * Turns a bearer token into a principal: the server's own token (control, as before), or an
 * active scoped token from `.orch/tokens.json`. The file is re-read when it changes on disk, so
 * `orch token revoke` in another process takes effect on the next request.
 */
export class TokenRegistry {
  private cached: { readonly key: string; readonly tokens: readonly StoredToken[] } = { key: '', tokens: [] };

  constructor(
    private readonly serverToken: string,
    private readonly file: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  resolve(token: string, now = Date.now()): Principal | undefined {
    if (tokensEqual(token, this.serverToken)) return { kind: 'dashboard', name: 'dashboard', scope: 'control' };
    const found = findToken(this.tokens(), token, now);
    return found === undefined ? undefined : { kind: 'token', name: found.name, scope: found.scope, sha256: found.sha256 };
  }

  /** Whether a principal accepted earlier still holds: the server's token always does. */
  stillValid(principal: Principal, now = Date.now()): boolean {
    if (principal.sha256 === undefined) return true;
    const stored = this.tokens().find((t) => t.sha256 === principal.sha256);
    return stored !== undefined && tokenState(stored, now) === 'active';
  }

  private tokens(): readonly StoredToken[] {
    let key: string;
    try {
      const info = statSync(this.file);
      key = `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch {
      key = 'none';
    }
    if (key === this.cached.key) return this.cached.tokens;
    try {
      this.cached = { key, tokens: key === 'none' ? [] : readTokens(this.file) };
    } catch (error) {
      // A broken token file grants nothing; the per-server token still works.
      this.onProblem(`scoped tokens unusable: ${error instanceof Error ? error.message : String(error)}`);
      this.cached = { key, tokens: [] };
    }
    return this.cached.tokens;
  }
}

