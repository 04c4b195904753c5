/**
 * The name to ask the host for, when `path` (as the event log holds it) is a file directly in
 * run `runId`'s evidence directory; anything else is only named. The host serves nothing else,
 * so a page that asked would only collect refusals.
 */
export function evidenceFileOf(path: string, runId: string): string | undefined {
  const normal = path.replaceAll('\\', '/');
  const dir = `/.orch/runs/${runId}/evidence/`;
  const at = normal.lastIndexOf(dir);
  if (at < 0) return undefined;
  const file = normal.slice(at + dir.length);
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file) && !file.includes('..') ? file : undefined;
}
