#!/usr/bin/env node
// A stand-in for the claude CLI where the real one cannot misbehave on demand: it reads its
// prompt like the real one, then acts out STAND_IN_MODE.
import { firstLine } from './first-stdin-line.mjs';

const mode = process.env.STAND_IN_MODE ?? 'crash';
firstLine();
const out = (line) => process.stdout.write(`${line}\n`);
const init = { type: 'system', subtype: 'init', session_id: 'stand-in-session', model: 'claude-sonnet-5', tools: ['Write'] };

if (mode === 'crash') {
  out(JSON.stringify(init));
  out('this is not JSON at all');
  out('{"no_type": true}');
  out(JSON.stringify({ type: 'assistant', message: { model: 'claude-sonnet-5', content: [{ type: 'text', text: 'working' }], usage: { input_tokens: 1000, output_tokens: 0 } } }));
  process.stderr.write('stand-in: fatal error: out of cheese\n');
  process.exit(3);
}
if (mode === 'result') {
  out(JSON.stringify(init));
  out(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, result: 'ok', session_id: 'stand-in-session', total_cost_usd: 0.5, usage: { input_tokens: 10, output_tokens: 5 }, modelUsage: { 'claude-sonnet-5': {} } }));
  process.exit(0);
}
process.stderr.write(`stand-in: unknown STAND_IN_MODE ${mode}\n`);
process.exit(2);
