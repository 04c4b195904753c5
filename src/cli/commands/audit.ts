import { auditFile, type AuditEntry } from '../../orchestrator/audit/audit-entry';
import { readAudit, verifyChain } from '../../orchestrator/audit/audit-log';
import { type Command } from '../cli-io';
import { EXIT } from '../../protocol/exit-codes';
import { parseCommandArgs } from '../run-cli';
import { workspaceOf } from '../run-lookup';

/** `orch audit [--json] [--verify]`: the audit log; --verify walks its hash chain (exit 1 when broken). */
export const auditCommand: Command = async (args, io) => {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' }, verify: { type: 'boolean' }, workspace: { type: 'string' } }, { min: 0, max: 0, names: 'no arguments' });
  const paths = workspaceOf(io, values.workspace);
  const file = auditFile(paths);
  const { lines } = await readAudit(file);
  if (values.verify === true) {
    const { entries, problems } = verifyChain(lines);
    if (values.json === true) io.out(JSON.stringify({ file, entries, intact: problems.length === 0, problems }, null, 2));
    else if (problems.length === 0) io.out(`${file}: ${entries} entries, chain intact`);
    else for (const p of problems) io.err(`orch: audit: ${file}:${p.line}: ${p.message}`);
    return problems.length === 0 ? EXIT.ok : EXIT.taskFailed;
  }
  const unreadable: number[] = [];
  const entries = lines.flatMap((l, i) => {
    try {
      return [JSON.parse(l) as AuditEntry];
    } catch {
      unreadable.push(i + 1);
      return [];
    }
  });
  // Shown, never dropped in silence: a damaged line is what an audit log exists to reveal.
  if (unreadable.length > 0) io.err(`orch: warning: ${file}:${unreadable[0]!}: ${unreadable.length} line(s) not valid JSON, left out (lines ${unreadable.join(', ')}); 'orch audit --verify' checks the chain`);
  if (values.json === true) {
    io.out(JSON.stringify({ entries }, null, 2));
    return EXIT.ok;
  }
  if (entries.length === 0) io.out(`no audit entries yet (${file})`);
  for (const e of entries) {
    const who = e.who.kind === 'token' || e.who.kind === 'dashboard' ? `${e.who.kind}:${e.who.name}` : `${e.who.kind}:${e.who.user}`;
    const tail = [e.target, e.ref === undefined ? undefined : `(#${e.ref})`, e.error].filter((x) => x !== undefined).join(' ');
    io.out(`#${e.seq} ${e.at} ${who} from ${e.from}: ${e.action} ${e.outcome}${tail === '' ? '' : ` ${tail}`}`);
  }
  return EXIT.ok;
};
