// An OpenAI-routed agent's attempt: one streamed Chat Completions answer through the `openai`
// SDK, which Orch writes to the task's `output` path in its worktree, to be verified like any
// other task's work. Same request, outcome and retry hook as a Claude attempt.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import OpenAI from 'openai';
import type { NewEvent } from '../../protocol/events';
import type { AttemptRunner } from '../engine/engine-context';
import type { AttemptOutcome } from '../../protocol/events';
import { DEFAULT_RETRY_POLICY, NEVER_RETRIED, type AttemptRequest } from '../runner/attempt-request';
import { retryDelayMs } from '../runner/run-attempt';
import { priceUsd, type ModelCatalog } from '../router/model-catalog';
import { classifyOpenaiError, type OpenaiFailure } from './classify-openai-error';
import { placeInside } from '../workspace/inside-worktree';

const INSTRUCTIONS =
  'You have no tools. Answer with the complete content of the requested artifact only, in Markdown: Orch writes your answer to the file itself.';

interface TryResult {
  readonly text: string;
  readonly modelUsed?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly failure?: OpenaiFailure;
}

/** Where the answer goes: the task's `output`, which must stay inside the worktree, links followed. */
async function outputFile(cwd: string, output: string): Promise<string> {
  const placed = await placeInside(cwd, output);
  if (!placed.inside) throw new Error(placed.reason);
  return placed.path;
}

/** The OpenAI runner: the answer of a text-only agent, written to the request's `outputPath`. */
export function runOpenaiAttempt(catalog: ModelCatalog): AttemptRunner {
  return async (req, emit) => {
    const output = req.outputPath ?? 'output.md';
    const started = Date.now();
    const policy = req.retry ?? DEFAULT_RETRY_POLICY;
    const apiKey = req.env.OPENAI_API_KEY;
    const totals = { costUsd: 0, inputTokens: 0, outputTokens: 0 };
    const done = (outcome: Omit<AttemptOutcome, 'costUsd' | 'costSource' | 'inputTokens' | 'outputTokens' | 'durationMs'>): AttemptOutcome => ({
      ...outcome,
      ...totals,
      costSource: 'estimated',
      durationMs: Date.now() - started,
    });
    if (apiKey === undefined || apiKey === '') return done({ outcome: 'failed', failure: 'not-logged-in', message: 'OPENAI_API_KEY is not set: OpenAI-routed agents need it in the environment' });
    const client = new OpenAI({ apiKey, baseURL: req.env.OPENAI_BASE_URL, maxRetries: 0 });
    let model = req.model;
    for (let tryNumber = 1; ; tryNumber += 1) {
      const result = await oneTry(client, req, model, catalog, totals.costUsd, emit);
      const info = catalog.get(result.modelUsed ?? model);
      totals.inputTokens += result.inputTokens;
      totals.outputTokens += result.outputTokens;
      totals.costUsd += info === undefined ? 0 : priceUsd(info, result);
      const f = result.failure;
      if (f === undefined) {
        try {
          const file = await outputFile(req.cwd, output);
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, result.text.endsWith('\n') ? result.text : `${result.text}\n`);
        } catch (error) {
          return done({ outcome: 'failed', failure: 'crashed', message: `could not write the answer to ${output}: ${(error as Error).message}`, modelUsed: result.modelUsed });
        }
        emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'evidence', evidenceKind: 'artifact', value: output } });
        return done({ outcome: 'succeeded', modelUsed: result.modelUsed });
      }
      const failed = done({ outcome: 'failed', failure: f.failure, message: f.message, ...(f.retryAfterSec === undefined ? {} : { retryAfterSec: f.retryAfterSec }) });
      if (NEVER_RETRIED.includes(f.failure) || !policy.retryOn.includes(f.failure) || tryNumber > policy.maxRetries) return failed;
      const decision = policy.onRetryableFailure === undefined ? { action: 'retry' as const } : await policy.onRetryableFailure(failed, tryNumber, model);
      if (decision.action === 'stop') return failed;
      const delayMs = decision.delayMs ?? retryDelayMs(policy, tryNumber, f.retryAfterSec);
      if (delayMs > policy.maxDelayMs) return failed;
      emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'retry', attempt: tryNumber, maxRetries: policy.maxRetries, delayMs } });
      if (decision.model !== undefined && decision.model !== model) {
        emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'warning', message: `retrying with model ${decision.model} instead of ${model} after: ${f.message}` } });
        model = decision.model;
      }
      await new Promise((r) => setTimeout(r, delayMs));
      if (req.signal?.aborted === true) return done({ outcome: 'failed', failure: 'cancelled', message: 'cancelled while waiting to retry' });
    }
  };
}

async function oneTry(client: OpenAI, req: AttemptRequest, model: string, catalog: ModelCatalog, spent: number, emit: (e: NewEvent) => void): Promise<TryResult> {
  const timeout = AbortSignal.timeout(req.timeoutSec * 1000);
  const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
  const system = `${req.systemPrompt}\n\n${INSTRUCTIONS}`;
  const maxTokens = outputTokenCap(catalog, model, `${system}${req.prompt}`, req.maxBudgetUsd === undefined ? undefined : req.maxBudgetUsd - spent);
  let text = '';
  let modelUsed: string | undefined;
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  try {
    const stream = await client.chat.completions.create(
      {
        model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: req.prompt },
        ],
        stream: true,
        stream_options: { include_usage: true },
        ...(maxTokens === undefined ? {} : { max_completion_tokens: maxTokens }),
      },
      { signal },
    );
    for await (const chunk of stream) {
      modelUsed ??= chunk.model;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
  } catch (error) {
    const aborted = req.signal?.aborted === true ? 'cancelled' : timeout.aborted ? 'timeout' : undefined;
    return { text, modelUsed, inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0, failure: classifyOpenaiError(error, aborted, req.timeoutSec) };
  }
  if (modelUsed !== undefined && !sameModel(model, modelUsed)) {
    emit({ type: 'model.mismatched', attemptId: req.attemptId, requested: model, used: modelUsed });
    emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'warning', message: `asked OpenAI for ${model}, ${modelUsed} answered` } });
  }
  const limit = req.maxEventChars ?? 4000;
  emit({ type: 'attempt.activity', attemptId: req.attemptId, activity: { kind: 'text', text: text.length > limit ? `${text.slice(0, limit)}…` : text } });
  const result = { text, modelUsed, inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
  if (text.trim() === '') return { ...result, failure: { failure: 'model-error', message: `${modelUsed ?? model} answered with no text` } };
  return result;
}

/** A dated id (`gpt-4.1-2025-04-14`) answers for its base name. */
function sameModel(requested: string, used: string): boolean {
  const r = requested.toLowerCase();
  const u = used.toLowerCase();
  return u === r || /^\d{4}-\d{2}-\d{2}$/.test(u.slice(r.length + 1)) && u.startsWith(`${r}-`);
}

/** The most output the budget left can pay for once the prompt is paid (about 4 characters a token). */
function outputTokenCap(catalog: ModelCatalog, model: string, prompt: string, leftUsd: number | undefined): number | undefined {
  const info = catalog.get(model);
  if (leftUsd === undefined || info === undefined || info.outputPerMTok === 0) return undefined;
  const inputUsd = (prompt.length / 4) * (info.inputPerMTok / 1_000_000);
  return Math.max(1, Math.floor(((leftUsd - inputUsd) * 1_000_000) / info.outputPerMTok));
}
