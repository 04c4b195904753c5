// The runner's side of Orch's submission tools: a loopback HTTP endpoint, one per claude run,
// that Orch's MCP server posts a submit_prd (or submit_roadmap) call to. Orch validates it here,
// with its own parser and registry, and the verdict is the tool's answer, so the model fixes its
// errors in the same turn. The whole submission arrives in this process: no activity text cuts it.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SUBMIT_TOOLS = ['submit_prd', 'submit_roadmap'] as const;
export type SubmitToolName = (typeof SUBMIT_TOOLS)[number];

/** What the tool answers: `accepted` with a confirmation, or the errors for the model to fix. */
export interface SubmissionVerdict {
  readonly accepted: boolean;
  readonly text: string;
}

/** Validates one call's arguments (untrusted JSON from the model) and keeps what it accepts. */
export type SubmissionHandler = (args: unknown) => SubmissionVerdict | Promise<SubmissionVerdict>;

export type SubmissionHandlers = Readonly<Partial<Record<SubmitToolName, SubmissionHandler>>>;

/** The MCP server refuses larger arguments itself; this bound only protects the runner. */
export const MAX_SUBMISSION_BYTES = 1_000_000;
const MAX_BODY_BYTES = MAX_SUBMISSION_BYTES + 64 * 1024;

export interface SubmissionEndpoint {
  readonly url: string;
  readonly secret: string;
  readonly tools: readonly SubmitToolName[];
  close(): Promise<void>;
}

export function submitToolsOf(handlers: SubmissionHandlers | undefined): SubmitToolName[] {
  return SUBMIT_TOOLS.filter((t) => handlers?.[t] !== undefined);
}

function answer(res: ServerResponse, status: number, verdict: SubmissionVerdict): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(verdict));
}

function authorized(req: IncomingMessage, secret: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSubmissionEndpoint(handlers: SubmissionHandlers): Promise<SubmissionEndpoint> {
  const secret = randomBytes(24).toString('hex');
  const tools = submitToolsOf(handlers);
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => answer(res, 500, { accepted: false, text: `Orch failed to check the submission: ${(error as Error).message}` }));
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req, secret)) return answer(res, 403, { accepted: false, text: 'not authorized' });
    const tool = (req.url ?? '').replace(/^\//, '');
    const handler = handlers[tool as SubmitToolName];
    if (req.method !== 'POST' || handler === undefined) return answer(res, 404, { accepted: false, text: `no submission tool ${JSON.stringify(tool)} in this attempt` });
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, { accepted: false, text: `the submission is over ${MAX_SUBMISSION_BYTES} bytes: shorten it and submit again` });
    let args: unknown;
    try {
      args = JSON.parse(body);
    } catch (error) {
      return answer(res, 400, { accepted: false, text: `the arguments are not JSON: ${(error as Error).message}` });
    }
    answer(res, 200, await handler(args));
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    secret,
    tools,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
