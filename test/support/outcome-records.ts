// Learning-store records for tests: the i-th finished attempt of task P/Ti, succeeded first pass,
// one second after the one before it.
import type { OutcomeRecord } from '../../src/orchestrator/store/outcome-record';

export const outcomeRecord = (i: number, over: Partial<OutcomeRecord> = {}): OutcomeRecord => ({
  runId: 'r1',
  attemptId: `a${i}`,
  taskId: `P/T${i}`,
  prdId: 'P',
  milestoneId: '1.1',
  title: `Task ${i}`,
  fingerprint: `f${i}`,
  phase: 'implementation',
  agent: 'backend-engineer',
  model: 'claude-sonnet-4-5',
  complexity: 0.2,
  attempt: 1,
  durationMs: 1000 + i,
  costUsd: 0.01,
  inputTokens: 100,
  outputTokens: 10,
  succeeded: true,
  firstPass: true,
  defects: 0,
  taskState: 'verified',
  at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  ...over,
});

