// What a job carries so its worker can run the task's checks, and the results the worker sends
// back with its end report. Both cross Redis, so both are validated; the results reach the
// coordinator's verdict (and from there the log), so a forged field is refused, not trusted.

import { z } from 'zod';
import { BROWSER_ENGINES } from '../../protocol/browser-check';

const viewport = z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).readonly();

const browserStep = z.union([
  z.object({ goto: z.string() }).readonly(),
  z.object({ click: z.string() }).readonly(),
  z.object({ fill: z.object({ selector: z.string(), value: z.string() }).readonly() }).readonly(),
  z.object({ press: z.string() }).readonly(),
  z.object({ expect: z.object({ text: z.string().optional(), selector: z.string().optional() }).readonly() }).readonly(),
  z.object({ screenshot: z.string() }).readonly(),
]);

const verifyCheck = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1) }).readonly(),
  z.object({ kind: z.literal('command'), command: z.string().min(1), timeoutSec: z.number().positive().optional() }).readonly(),
  z
    .object({
      kind: z.literal('browser'),
      url: z.string().min(1),
      expect: z.string().optional(),
      screenshot: z.boolean().optional(),
      timeoutSec: z.number().positive().optional(),
      serve: z.string().optional(),
      browsers: z.array(z.enum(BROWSER_ENGINES)).readonly().optional(),
      viewport: viewport.optional(),
      steps: z.array(browserStep).readonly().optional(),
    })
    .readonly(),
]);

/** The job's `verify`: the task's checks and how the round runs them (AttemptVerify). */
export const jobVerifySchema = z
  .object({
    checks: z.array(verifyCheck).readonly(),
    evidencePrefix: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore'),
    defaultCommandTimeoutSec: z.number().positive(),
    chromiumPath: z.string().min(1).optional(),
    browsers: z.array(z.enum(BROWSER_ENGINES)).readonly().optional(),
    redactNames: z.array(z.string()).readonly(),
  })
  .readonly();

const browserEvidence = z
  .object({
    engine: z.enum(BROWSER_ENGINES),
    unavailable: z.literal(true).optional(),
    status: z.number().optional(),
    consoleErrors: z.array(z.string()).readonly(),
    text: z.string(),
    screenshot: z.string().optional(),
    viewport: viewport.optional(),
    steps: z.array(z.object({ index: z.number(), step: z.string(), passed: z.boolean(), detail: z.string(), ms: z.number(), screenshot: z.string().optional() }).readonly()).readonly(),
    log: z.string().optional(),
    ms: z.number(),
  })
  .readonly();

const checkResult = z
  .object({
    check: z.string(),
    passed: z.boolean(),
    detail: z.string(),
    evidencePath: z.string().optional(),
    unavailable: z.literal(true).optional(),
    browser: browserEvidence.optional(),
  })
  .readonly();

/** One group of results per check of the job, in its order (a browser check gives one per engine). */
export const checkGroupsSchema = z.array(z.array(checkResult).readonly()).readonly();

/**
 * Where the worker's evidence files went: a commit on the code remote whose tree holds them by
 * name, and the worker's folder the results' paths point into (rewritten to the coordinator's).
 */
export const evidencePackSchema = z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/), dir: z.string().min(1) }).readonly();
export type EvidencePack = z.infer<typeof evidencePackSchema>;
