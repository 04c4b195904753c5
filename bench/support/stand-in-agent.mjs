#!/usr/bin/env node
// A lightweight stand-in for `claude -p --output-format stream-json`: reads its prompt from
// stdin, streams init, a few assistant messages at a realistic pace, writes the files the
// task's checks name, and ends with a result line. For scheduling benchmarks only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { firstLine } from '../../test/support/first-stdin-line.mjs';

const prompt = firstLine();
const paceMs = Number(process.env.STAND_IN_PACE_MS ?? 100);
const steps = Number(process.env.STAND_IN_STEPS ?? 5);
const session = process.argv[process.argv.indexOf('--session-id') + 1] ?? 'stand-in';
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const model = 'claude-sonnet-5';

out({ type: 'system', subtype: 'init', session_id: session, cwd: process.cwd(), model, tools: ['Write'] });
let step = 0;
const timer = setInterval(() => {
  step += 1;
  out({ type: 'assistant', session_id: session, message: { model, content: [{ type: 'text', text: `step ${step}` }], usage: { input_tokens: 100, output_tokens: 10 } } });
  if (step < steps) return;
  clearInterval(timer);
  for (const match of prompt.matchAll(/the file `([^`]+)` exists/g)) {
    const file = join(process.cwd(), match[1]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `written by the stand-in for ${match[1]}\n`);
  }
  out({ type: 'result', subtype: 'success', is_error: false, result: 'done', session_id: session, num_turns: steps, duration_ms: steps * paceMs, total_cost_usd: 0.001, usage: { input_tokens: 100 * steps, output_tokens: 10 * steps }, modelUsage: { [model]: { costUSD: 0.001 } } });
}, paceMs);
