import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors';
import { withFileLock } from '../audit/file-lock';
import { ignoreRuntimeFiles } from '../workspace/runtime-ignore';
import type { WorkspacePaths } from '../workspace/workspace-paths';

export type TokenScope = 'read' | 'control';

/** What `.orch/tokens.json` keeps of a token: its sha256, never the token itself. */
export interface StoredToken {
  readonly name: string;
  readonly scope: TokenScope;
  readonly sha256: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

interface TokenFile {
  readonly tokens: readonly StoredToken[];
}

const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN_PREFIX = 'orch_';

export function tokensFile(paths: WorkspacePaths): string {
  return join(paths.orchDir, 'tokens.json');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `30m`, `12h`, `7d`, `2w` as milliseconds. */
export function parseExpiry(text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
  if (match === null || Number(match[1]) === 0) throw new InputError(`--expires must be a positive number of m, h, d or w (like 7d), got ${JSON.stringify(text)}`);
  return Number(match[1]) * unit[match[2] as keyof typeof unit];
}

export function tokenState(token: StoredToken, now: number): 'active' | 'revoked' | 'expired' {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/** The stored tokens; a missing file is none, a malformed one an error naming it. */
export function readTokens(file: string): readonly StoredToken[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError('not valid JSON', { file });
  }
  const tokens = (parsed as Partial<TokenFile> | null)?.tokens;
  if (!Array.isArray(tokens)) throw new InputError('expected {"tokens": [...]}', { file });
  return tokens as StoredToken[];
}

async function writeTokens(file: string, tokens: readonly StoredToken[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await ignoreRuntimeFiles(dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  await writeFile(temp, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
}

/** Makes a token and stores its hash; the token is returned once and kept nowhere. */
export async function createToken(file: string, request: { name: string; scope: TokenScope; expiresInMs?: number }, now = Date.now()): Promise<{ readonly token: string; readonly stored: StoredToken }> {
  if (!TOKEN_NAME_PATTERN.test(request.name)) throw new InputError(`token name must be letters, digits, '.', '_' or '-' (at most 64), got ${JSON.stringify(request.name)}`);
  return withFileLock(`${file}.lock`, async () => {
    const tokens = readTokens(file);
    if (tokens.some((t) => t.name === request.name && tokenState(t, now) === 'active')) {
      throw new InputError(`a token named ${JSON.stringify(request.name)} exists`, { file }, `revoke it first with 'orch token revoke ${request.name}', or choose another name`);
    }
    const token = `${TOKEN_PREFIX}${randomBytes(20).toString('hex')}`;
    const stored: StoredToken = {
      name: request.name,
      scope: request.scope,
      sha256: hashToken(token),
      createdAt: new Date(now).toISOString(),
      expiresAt: request.expiresInMs === undefined ? null : new Date(now + request.expiresInMs).toISOString(),
      revokedAt: null,
    };
    // A revoked or expired token of the same name stays listed: the audit log names it.
    await writeTokens(file, [...tokens.filter((t) => !(t.name === request.name && tokenState(t, now) === 'active')), stored]);
    return { token, stored };
  });
}

export async function revokeToken(file: string, name: string, now = Date.now()): Promise<StoredToken> {
  return withFileLock(`${file}.lock`, async () => {
    const tokens = readTokens(file);
    const index = tokens.findIndex((t) => t.name === name && tokenState(t, now) !== 'revoked');
    if (index < 0) throw new InputError(`no token named ${JSON.stringify(name)} to revoke`, { file }, "'orch token list' shows them");
    const revoked: StoredToken = { ...tokens[index]!, revokedAt: new Date(now).toISOString() };
    await writeTokens(file, tokens.map((t, i) => (i === index ? revoked : t)));
    return revoked;
  });
}

/** The active stored token `token` is, compared by hash in constant time. */
export function findToken(tokens: readonly StoredToken[], token: string, now: number): StoredToken | undefined {
  const given = Buffer.from(hashToken(token), 'hex');
  let found: StoredToken | undefined;
  for (const t of tokens) {
    const stored = Buffer.from(t.sha256, 'hex');
    if (stored.length === given.length && timingSafeEqual(stored, given) && tokenState(t, now) === 'active') found = t;
  }
  return found;
}
