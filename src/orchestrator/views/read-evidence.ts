import { open, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { RUN_ID_PATTERN, type ApiReply } from '../../protocol/dashboard-messages';
import type { WorkspacePaths } from '../workspace/workspace-paths';

/** What evidence holds: screenshots and the checks' logs. Anything else is not served. */
const EVIDENCE_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every type a file of evidence is served as. */
export const EVIDENCE_MEDIA: readonly string[] = [...new Set(Object.values(EVIDENCE_TYPES))];

/** A screenshot is a few hundred KB; a file far beyond that is not something to put in a page. */
const MAX_EVIDENCE_BYTES = 32 * 1024 * 1024;

/** Evidence files are named by Orch: an attempt id made safe, a check number, an engine, a step. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export type EvidenceRead =
  | { readonly ok: true; readonly bytes: Buffer; readonly contentType: string; readonly name: string }
  | { readonly ok: false; readonly status: 400 | 404 | 413; readonly error: string };

/**
 * One file of a run's evidence directory, by its name (a screenshot's path as the event log
 * holds it is reduced to its last segment). Only a plain file directly in that directory, of a
 * known type, is read: no other directory, no link out of it.
 */
export async function readEvidence(paths: WorkspacePaths, runId: string, file: string): Promise<EvidenceRead> {
  if (!RUN_ID_PATTERN.test(runId)) return { ok: false, status: 400, error: `not a run id: ${JSON.stringify(runId)}` };
  if (!NAME_PATTERN.test(file) || file.includes('..')) return { ok: false, status: 400, error: `not an evidence file name: ${JSON.stringify(file)} (one name, no path)` };
  const contentType = EVIDENCE_TYPES[extname(file).toLowerCase()];
  if (contentType === undefined) return { ok: false, status: 404, error: `no evidence file ${JSON.stringify(file)} in run ${runId}: only ${Object.keys(EVIDENCE_TYPES).join(' ')} are served` };
  const missing = { ok: false, status: 404, error: `no evidence file ${JSON.stringify(file)} in run ${runId}` } as const;
  let real: string;
  let dir: string;
  try {
    dir = await realpath(paths.evidenceDir(runId));
    real = await realpath(join(dir, file));
  } catch {
    return missing;
  }
  if (!real.startsWith(dir + sep) || real.slice(dir.length + 1).includes(sep)) return missing;
  const handle = await open(real, 'r').catch(() => undefined);
  if (handle === undefined) return missing;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return missing;
    if (stat.size > MAX_EVIDENCE_BYTES) return { ok: false, status: 413, error: `evidence file ${file} is ${stat.size} bytes, more than the ${MAX_EVIDENCE_BYTES} served` };
    return { ok: true, bytes: await handle.readFile(), contentType, name: file };
  } finally {
    await handle.close();
  }
}

/** The same file as a data: URL: a VS Code webview cannot fetch from the host, it is sent the image. */
export async function evidenceDataUrl(paths: WorkspacePaths, runId: string, file: string): Promise<ApiReply<string>> {
  const read = await readEvidence(paths, runId, file);
  if (!read.ok) return { ok: false, error: read.error };
  return { ok: true, value: `data:${read.contentType.split(';')[0] ?? 'application/octet-stream'};base64,${read.bytes.toString('base64')}` };
}
