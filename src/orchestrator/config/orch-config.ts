import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BROWSER_ENGINES } from '../../protocol/browser-check';
import { DEFAULT_PHASES } from '../../protocol/domain';
import { ALERT_KINDS } from '../../protocol/events-alerts';
import { InputError, InputErrors } from '../errors';
import { jsonErrorLine } from '../json-error-line';
import { adaptSettings } from './adapt-settings';

const modelOverride = z
  .object({
    provider: z.enum(['claude', 'openai']).optional(),
    tier: z.enum(['strong', 'balanced', 'fast']).optional(),
    inputPerMTok: z.number().nonnegative().optional(),
    outputPerMTok: z.number().nonnegative().optional(),
    cacheReadPerMTok: z.number().nonnegative().optional(),
    cacheWritePerMTok: z.number().nonnegative().optional(),
    contextWindow: z.number().int().positive().optional(),
    fallback: z.array(z.string()).optional(),
    routable: z.boolean().optional(),
  })
  .strict();

const routerSettings = z
  .object({
    /** Off: every task runs on its pin or its agent's model. */
    enabled: z.boolean().default(true),
    /** The expected first-pass verification rate the cheapest chosen model must reach. */
    targetFirstPassRate: z.number().min(0).max(1).default(0.85),
    /** Let a pinned task fall back to the next model of its chain when its model is unavailable. */
    fallbackPinned: z.boolean().default(false),
  })
  .strict();

/** A day at most: longer is a typo, and Node's timers overflow past 24.8 days and fire at once. */
const MAX_TIMEOUT_SEC = 86_400;
const seconds = z.number().positive().max(MAX_TIMEOUT_SEC, { message: `at most ${MAX_TIMEOUT_SEC} seconds (a day)` });

const worktreeSettings = z
  .object({
    /** A shell command run once in each new task worktree before its agent starts (`npm ci`). */
    setup: z.string().trim().min(1).optional(),
    setupTimeoutSec: seconds.default(600),
  })
  .strict();

const alertWebhook = z
  .object({
    /** An http(s) URL that takes a POST per alert. */
    url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }),
    /** The alerts sent to it. */
    events: z.array(z.enum(ALERT_KINDS)).min(1),
    /** `json`: Orch's alert payload; `slack`: `{"text": ...}`, for a Slack incoming webhook (or anything that takes one). */
    format: z.enum(['json', 'slack']).default('json'),
  })
  .strict();

const reviewSettings = z
  .object({
    /** Roadmap phase ids ("2") or workflow phases ("implementation") whose tasks are reviewed; absent: those whose roadmap phase asks for a leadership or code review. */
    phases: z.array(z.string().min(1)).optional(),
    /** The reviewer agent (never the task's author); default: `reviewer`, else a leadership-review agent. */
    agent: z.string().min(1).optional(),
    /** The reviewer's model, when it should differ from its agent's. */
    model: z.string().min(1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    parallel: z.number().int().min(1).max(64).default(4),
    budgetUsd: z.number().positive().optional(),
    /** A cap on what one task may spend over all its attempts. */
    taskBudgetUsd: z.number().positive().optional(),
    router: routerSettings.default({ enabled: true, targetFirstPassRate: 0.85, fallbackPinned: false }),
    attemptTimeoutSec: seconds.default(1800),
    inactivityTimeoutSec: seconds.default(300),
    maxAttempts: z.number().int().min(1).max(20).default(3),
    phases: z.array(z.string().min(1)).min(1).default([...DEFAULT_PHASES]),
    models: z.record(z.string(), modelOverride).default({}),
    dashboardPort: z.number().int().min(0).max(65535).default(8080),
    claudePath: z.string().min(1).optional(),
    /** The Chromium that browser checks drive; ORCH_CHROMIUM_PATH wins over it. */
    chromiumPath: z.string().min(1).optional(),
    /** The engines a browser check runs in when it names none. */
    browsers: z.array(z.enum(BROWSER_ENGINES)).min(1).default(['chromium']),
    /** Environment variables whose values are secrets, besides those named like keys and tokens. */
    redact: z.array(z.string().min(1)).default([]),
    worktree: worktreeSettings.default({ setupTimeoutSec: 600 }),
    /** Webhooks told of a run's alerts (a blocked task, a budget pause, the end of the run...). */
    alerts: z.array(alertWebhook).default([]),
    /** Leader cross-verification: a reviewer agent reads each reviewed task's diff, brief and evidence. */
    review: reviewSettings.default({}),
    /** Adaptation during a run: ordering, model tiers, load spreading, adaptive parallelism. */
    adapt: adaptSettings.default({ enabled: true, quietSec: 5, holdSec: 5, agentBudgetShare: 0.9 }),
  })
  .strict();

export type OrchConfig = z.infer<typeof configSchema>;
export type ModelOverride = z.infer<typeof modelOverride>;
export type AlertWebhook = z.infer<typeof alertWebhook>;

export const defaultConfig: OrchConfig = configSchema.parse({});

/** Reads `.orch/config.json`; a missing file means the defaults. */
export async function loadConfig(file: string): Promise<OrchConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig;
    throw error;
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): OrchConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error as Error).message}`, { file, line: jsonErrorLine(text, error) });
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InputErrors(
    result.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = [...issue.path, ...keys.slice(0, 1)].map(String);
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`
          : `${path.join('.') || '(root)'}: ${issue.message}`;
      // A list item (`browsers.1`) is pointed at by its list's key.
      return new InputError(message, { file, line: lineOfKey(text, path.findLast((part) => !/^\d+$/.test(part))) });
    }),
  );
}

/** The line of the first `"key":` in the text: good enough to point an editor at the mistake. */
function lineOfKey(text: string, key: string | undefined): number {
  if (key === undefined) return 1;
  const index = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}
