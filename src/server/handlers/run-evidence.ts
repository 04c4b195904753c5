import { readEvidence } from '../../orchestrator/views/read-evidence';
import { BASE_HEADERS, sendError } from '../reply';
import type { RouteHandler } from '../server-context';

/**
 * A file of a run's evidence (a browser check's screenshot, a check's log) as its own bytes, for
 * the dashboard to show. The page asks with its token and shows what it gets as a blob: URL.
 */
export const runEvidenceHandler: RouteHandler = async ({ res, params }, context) => {
  const read = await readEvidence(context.paths, params.runId ?? '', params.file ?? '');
  if (!read.ok) return sendError(res, read.status, read.error);
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': read.contentType,
    'Content-Length': read.bytes.length,
    'Content-Disposition': `inline; filename="${read.name}"`,
    // Opened on its own, the file can run nothing and reach nothing.
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
  });
  // A HEAD request gets the headers only: Node leaves the body out.
  res.end(read.bytes);
};
