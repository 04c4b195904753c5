// `orch plan <roadmap.md> --estimate [--json] [--parallel N]`: predicted duration, cost and risk
// per task, PRD, milestone and run from the learning store, before any spend: no model is called
// and nothing is written.
import { existsSync } from 'node:fs';
import type { Roadmap } from '../../protocol/domain';
import type { PlanEstimate } from '../../protocol/forecast';
import { withModelsFromEnv } from '../../orchestrator/config/models-env';
import { loadConfig } from '../../orchestrator/config/orch-config';
import { assignAgents } from '../../orchestrator/engine/assign-agents';
import { estimatePlan } from '../../orchestrator/learning/estimate-plan';
import { formatInterval, formatMs, formatRisk, formatUsd } from '../../orchestrator/learning/format-forecast';
import { ModelCatalog } from '../../orchestrator/router/model-catalog';
import { OrchStore } from '../../orchestrator/store/orch-store';
import { workspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { EXIT } from '../../protocol/exit-codes';
import { type CliIo } from '../cli-io';
import { workspaceAgents } from '../workspace-agents';
import { UsageError } from '../run-cli';

export async function planEstimate(io: CliIo, plan: Roadmap, options: { workspace: string; json: boolean; parallel?: string }): Promise<number> {
  const paths = workspacePaths(options.workspace);
  const config = withModelsFromEnv(await loadConfig(paths.configFile), io.env);
  const snapshot = await workspaceAgents(io, paths.root, config.phases);
  const catalog = ModelCatalog.build(config.models);
  const assignments = assignAgents(plan, [], snapshot, config);
  // Read-only: a workspace that never ran has no store, and estimating must not create one.
  const outcomes = existsSync(paths.storeFile) ? (await OrchStore.open(paths.storeFile)).outcomes : [];
  const parallel = options.parallel === undefined ? config.parallel : parallelOf(options.parallel);
  const estimate = estimatePlan({ roadmap: plan, assignments, catalog, phases: config.phases }, outcomes, parallel);
  io.out(options.json ? JSON.stringify(estimate, null, 2) : estimateText(estimate));
  return EXIT.ok;
}

function estimateText(e: PlanEstimate): string {
  const duration = (i: PlanEstimate['run']['wallMs']): string => formatInterval(i, formatMs);
  const cost = (i: PlanEstimate['run']['costUsd']): string => formatInterval(i, formatUsd);
  const width = Math.max(4, ...e.tasks.map((t) => t.taskId.length));
  const rows = e.tasks.map((t) => `${t.taskId.padEnd(width)}  ${duration(t.durationMs).padEnd(24)}  ${cost(t.costUsd).padEnd(26)}  ${formatRisk(t.risk).padStart(4)}  ${t.basis === 'history' ? `${t.samples} like it` : 'defaults'}`);
  const group = (label: string, g: PlanEstimate['run']): string => `${label}: wall time ${duration(g.wallMs)}, cost ${cost(g.costUsd)}, risk ${formatRisk(g.risk)}`;
  const head = [`Estimate at parallel ${e.parallel} (basis: ${e.basis}; 80% intervals in brackets)`, ...(e.note === undefined ? [] : [`note: ${e.note}`])];
  // No tasks: an empty table and a zero run would read as a real estimate of nothing.
  if (e.tasks.length === 0) return head.join('\n');
  return [
    ...head,
    '',
    `${'task'.padEnd(width)}  ${'duration p50 [lo–hi]'.padEnd(24)}  ${'cost p50 [lo–hi]'.padEnd(26)}  risk  from`,
    ...rows,
    '',
    ...e.prds.map((g) => group(`PRD ${g.id} ${g.title}`, g)),
    ...e.milestones.map((g) => group(`Milestone ${g.id} ${g.title}`, g)),
    group('Run', e.run),
  ].join('\n');
}

function parallelOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--parallel expects a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
