import { auditFile, localActor } from '../../orchestrator/audit/audit-entry';
import { audited } from '../../orchestrator/audit/audit-log';
import { createToken, parseExpiry, readTokens, revokeToken, tokensFile, tokenState, type TokenScope } from '../../orchestrator/tokens/token-store';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs, UsageError } from '../run-cli';
import { workspaceOf } from '../run-lookup';

/** `orch token create --name N --scope read|control [--expires 7d] | token list [--json] | token revoke N`. */
export const tokenCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommandArgs(
    rest,
    { name: { type: 'string' }, scope: { type: 'string' }, expires: { type: 'string' }, json: { type: 'boolean' }, workspace: { type: 'string' } },
    sub === 'revoke' ? { min: 1, max: 1, names: '<name>' } : { min: 0, max: 0, names: 'no arguments' },
  );
  const paths = workspaceOf(io, values.workspace);
  const file = tokensFile(paths);
  const who = { who: localActor('cli'), from: `pid ${process.pid}` };
  switch (sub) {
    case 'create': {
      if (values.name === undefined) throw new UsageError('token create needs --name NAME');
      const scope = values.scope;
      if (scope !== 'read' && scope !== 'control') throw new UsageError(`--scope must be read or control, got ${JSON.stringify(scope ?? '')}`);
      const expiresInMs = values.expires === undefined ? undefined : parseExpiry(values.expires);
      const name = values.name;
      const { token, stored } = await audited(
        auditFile(paths),
        { ...who, action: 'token.create', target: name, detail: { scope, expires: values.expires ?? null } },
        () => createToken(file, { name, scope: scope satisfies TokenScope, ...(expiresInMs === undefined ? {} : { expiresInMs }) }),
      );
      io.out(token);
      io.err(`token ${name} (${scope}${stored.expiresAt === null ? '' : `, expires ${stored.expiresAt}`}): shown once, only its hash is kept; use it as Authorization: Bearer <token>`);
      return EXIT.ok;
    }
    case 'list': {
      const now = Date.now();
      const tokens = readTokens(file).map((t) => ({ name: t.name, scope: t.scope, state: tokenState(t, now), createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt }));
      if (values.json === true) {
        io.out(JSON.stringify({ tokens }, null, 2));
        return EXIT.ok;
      }
      if (tokens.length === 0) io.out("no tokens; make one with 'orch token create --name NAME --scope read|control'");
      for (const t of tokens) io.out(`${t.name.padEnd(20)} ${t.scope.padEnd(8)} ${t.state.padEnd(8)} created ${t.createdAt}${t.expiresAt === null ? '' : `, expires ${t.expiresAt}`}`);
      return EXIT.ok;
    }
    case 'revoke': {
      const name = positionals[0]!;
      await audited(auditFile(paths), { ...who, action: 'token.revoke', target: name }, () => revokeToken(file, name));
      io.out(`token ${name} revoked: it stops working at once, open dashboards included`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`token needs create, list or revoke, got ${JSON.stringify(sub ?? '')}`);
  }
};
