// Messages: send -> durable and routed (the sender's tool call may return: the event is fsynced),
// and send -> in the running recipient's next model request (written on the CLI's stdin while a
// tool call runs, with the real claude CLI). Then what live delivery costs each tool round.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { startScriptedModel } from '../src/scripted-model/server';
import { finish, steps, useTool } from '../src/scripted-model/scenarios';
import { CLAUDE_BIN, claudeEnv } from '../test/support/claude-harness';
import { twoTaskHub } from '../test/support/two-task-hub';
import { formatMs, percentile } from './stats';

const SENDS = Number(process.env.MESSAGES_BENCH_SENDS ?? 300);
const LIVE = Number(process.env.MESSAGES_BENCH_LIVE ?? 8);

async function durable(root: string): Promise<void> {
  const { hub, log } = await twoTaskHub(root);
  const from = { taskId: 'PRD-1/T1', agent: 'sender', attemptId: 'PRD-1/T1#1' };
  const one: number[] = [];
  for (let i = 0; i < SENDS; i++) {
    const t0 = performance.now();
    const answer = await hub.send(from, 'T2', `message ${i}`);
    one.push(performance.now() - t0);
    if (answer.isError === true) throw new Error(answer.text);
  }
  const burst: number[] = [];
  for (let round = 0; round < 20; round++) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => hub.send(from, 'receiver', `burst ${round}.${i}`).then(() => burst.push(performance.now() - t0))));
  }
  await log.close();
  console.log(`send -> durable, routed (one at a time, ${SENDS} sends, fsync each): p50 ${formatMs(percentile(one, 50))}, p95 ${formatMs(percentile(one, 95))}, max ${formatMs(Math.max(...one))}`);
  console.log(`send -> durable, routed (10 at once, 20 rounds, group commit): p50 ${formatMs(percentile(burst, 50))}, p95 ${formatMs(percentile(burst, 95))}`);
}

/** The recipient runs a turn of Bash calls; messages sent while it works are timed to the request that carries them. */
async function live(root: string): Promise<void> {
  const { hub, log } = await twoTaskHub(join(root, 'live'));
  const bashSteps = Array.from({ length: LIVE * 3 + 2 }, () => useTool('Bash', { command: 'sleep 0.3' }));
  const model = await startScriptedModel({ scenario: steps(bashSteps, finish('done')) });
  const cwd = mkdtempSync(join(root, 'cwd-'));
  const home = mkdtempSync(join(root, 'home-'));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let sending: Promise<void> | undefined;
  const attempt = runAttempt(
    {
      attemptId: 'PRD-1/T2#1', taskId: 'PRD-1/T2', systemPrompt: '', prompt: 'work', model: 'sonnet', allowedTools: ['Bash'], permissionMode: 'acceptEdits',
      cwd, env: claudeEnv(model.url, home), claudePath: CLAUDE_BIN, artifactsDir: join(root, 'artifacts'), timeoutSec: 120, inactivityTimeoutSec: 60,
      messaging: hub.portFor({ taskId: 'PRD-1/T2', agent: 'receiver', attemptId: 'PRD-1/T2#1' }),
    },
    (e) => {
      if (sending !== undefined || e.type !== 'attempt.activity' || e.activity.kind !== 'tool-call') return;
      sending = (async () => {
        for (let i = 0; i < LIVE; i++) {
          const text = `live message ${i}`;
          sentAt.set(text, performance.now());
          await hub.send({ taskId: 'PRD-1/T1', agent: 'sender' }, 'T2', text);
          const seen = await model.waitFor((r) => JSON.stringify(r.body).includes(text), 30_000);
          latencies.push(seen.at - (performance.timeOrigin + (sentAt.get(text) ?? 0)));
          await new Promise((r) => setTimeout(r, 137));
        }
      })();
    },
  );
  const out = await attempt;
  // Set by the attempt's first tool call: only known once the attempt is under way.
  await sending;
  await model.close();
  await log.close();
  if (out.outcome !== 'succeeded') throw new Error(`the recipient's attempt failed: ${out.failure} ${out.message}`);
  console.log(`send -> in the running recipient's next model request (stdin, tool calls of 0.3 s, ${latencies.length} sends): p50 ${formatMs(percentile(latencies, 50))}, p95 ${formatMs(percentile(latencies, 95))}`);
}

/** What live delivery costs each tool round: the same attempt with messaging (stdin kept open, echoed) and without. */
async function deliveryCost(root: string): Promise<void> {
  const calls = 6;
  const model = await startScriptedModel({ scenario: steps(Array.from({ length: calls }, () => useTool('Bash', { command: 'true' })), finish('done')) });
  const { hub, log } = await twoTaskHub(join(root, 'cost'));
  const runs = Number(process.env.MESSAGES_BENCH_COST_RUNS ?? 3);
  const medians: Record<string, number> = {};
  for (const kind of ['without', 'with'] as const) {
    // The gap between consecutive model requests of one turn: the tool call and the CLI's own work around it.
    const gaps: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cwd = mkdtempSync(join(root, `cost-${kind}-`));
      const before = model.modelRequests().length;
      const out = await runAttempt(
        {
          attemptId: `PRD-1/T2#${i + 1}`, taskId: 'PRD-1/T2', systemPrompt: '', prompt: 'go', model: 'sonnet', allowedTools: ['Bash'], permissionMode: 'acceptEdits', orchTools: false,
          cwd, env: claudeEnv(model.url, mkdtempSync(join(root, 'home-'))), claudePath: CLAUDE_BIN, artifactsDir: join(root, 'artifacts'), timeoutSec: 120, inactivityTimeoutSec: 60,
          ...(kind === 'with' ? { messaging: hub.portFor({ taskId: 'PRD-1/T2', agent: 'receiver', attemptId: `PRD-1/T2#${i + 1}` }) } : {}),
        },
        () => undefined,
      );
      if (out.outcome !== 'succeeded') throw new Error(`the attempt failed: ${out.failure} ${out.message}`);
      const at = model.modelRequests().slice(before).map((r) => r.at);
      for (let k = 1; k < at.length; k++) gaps.push(at[k]! - at[k - 1]!);
    }
    medians[kind] = percentile(gaps, 50);
  }
  await model.close();
  await log.close();
  console.log(`one tool round (median gap between model requests, ${runs} runs of ${calls} calls): without live delivery ${formatMs(medians.without ?? 0)}, with it (stdin open, echoed) ${formatMs(medians.with ?? 0)}`);
}

export async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'orch-bench-messages-'));
  try {
    await durable(root);
    await live(root);
    await deliveryCost(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
