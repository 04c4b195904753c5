// `orch plan --infer`: the planner agent reads a free-form roadmap and hands in its structure
// (phases > milestones, with focus, features and success metrics) through submit_roadmap. Orch
// renders it as a roadmap in the format it reads and parses that back, so what the tool accepts
// is exactly what `orch run` would load.

import { readFile } from 'node:fs/promises';
import type { Roadmap } from '../../protocol/domain';
import type { RegistrySnapshot } from '../agents/agent-types';
import { InputError } from '../errors';
import { parseRoadmap } from '../plan/roadmap-parser';
import type { SubmissionHandler } from '../runner/mcp/submission-endpoint';
import type { AttemptRunner } from './engine-context';
import { agentModel } from '../router/agent-model';

export interface InferDeps {
  readonly registry: RegistrySnapshot;
  readonly runAttempt: AttemptRunner;
  readonly claudePath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  readonly cwd: string;
  readonly artifactsDir: string;
  readonly timeoutSec: number;
  readonly inactivityTimeoutSec: number;
}

export interface InferredRoadmap {
  readonly markdown: string;
  readonly roadmap: Roadmap;
}

const PLANNER = 'product-planner';
const MAX_TRIES = 2;

export async function inferRoadmap(deps: InferDeps, roadmapFile: string): Promise<InferredRoadmap> {
  const planner = deps.registry.agents.get(PLANNER);
  if (planner === undefined) throw new InputError(`no '${PLANNER}' agent is registered to structure the roadmap`, { file: roadmapFile });
  const text = await readFile(roadmapFile, 'utf8');
  let accepted: InferredRoadmap | undefined;
  let lastErrors = '- the planner did not call mcp__orch__submit_roadmap';
  const submitRoadmap: SubmissionHandler = (args) => {
    const checked = checkRoadmap(args, roadmapFile);
    if (typeof checked === 'string') {
      lastErrors = checked;
      return { accepted: false, text: `Orch rejected this roadmap. Fix these problems and call mcp__orch__submit_roadmap again with the whole roadmap:\n${checked}` };
    }
    accepted = checked;
    const milestones = checked.roadmap.phases.reduce((n, p) => n + p.milestones.length, 0);
    return { accepted: true, text: `Accepted: ${checked.roadmap.phases.length} phase(s), ${milestones} milestone(s). Your work is done: end your turn.` };
  };
  let prompt = inferPrompt(roadmapFile, text);
  let sessionId: string | undefined;
  for (let tryNumber = 1; tryNumber <= MAX_TRIES && accepted === undefined; tryNumber++) {
    const outcome = await deps.runAttempt(
      {
        attemptId: `infer#${tryNumber}`,
        taskId: 'infer',
        systemPrompt: planner.prompt,
        prompt,
        model: agentModel(planner),
        allowedTools: planner.tools ?? ['Read', 'Glob', 'Grep'],
        permissionMode: 'default',
        cwd: deps.cwd,
        env: deps.env,
        claudePath: deps.claudePath,
        artifactsDir: deps.artifactsDir,
        timeoutSec: deps.timeoutSec,
        inactivityTimeoutSec: deps.inactivityTimeoutSec,
        resumeSessionId: sessionId,
        signal: deps.signal,
        submissions: { submit_roadmap: submitRoadmap },
      },
      () => undefined,
    );
    if (accepted !== undefined) break;
    if (outcome.outcome === 'failed') throw new Error(`inferring the roadmap: the planner failed (${outcome.failure}): ${outcome.message ?? ''}`);
    sessionId = outcome.sessionId ?? sessionId;
    prompt = `Orch has no accepted roadmap yet:\n${lastErrors}\n\nCall the tool mcp__orch__submit_roadmap with the whole structured roadmap.`;
  }
  if (accepted === undefined) throw new InputError(`the planner gave no valid roadmap structure for this file in ${MAX_TRIES} tries; last problems:\n${lastErrors}`, { file: roadmapFile });
  return accepted;
}

function inferPrompt(file: string, text: string): string {
  return [
    `Structure the free-form roadmap below (from ${file}) into phases, each with milestones, for Orch to plan and run.`,
    'Keep its order and wording; do not invent work it does not mention. For each milestone give a title and, where the text says them, its duration, focus, features and success metrics.',
    'Hand it in by calling the tool mcp__orch__submit_roadmap with {title, phases: [{title, milestones: [{title, duration?, focus?, features?, successMetrics?}]}]}. Orch checks it at once and answers with the result: if it lists problems, fix them and call it again. This replaces any other output; once it is accepted, end your turn.',
    '',
    '<roadmap>',
    text,
    '</roadmap>',
  ].join('\n');
}

type Checked = InferredRoadmap | string;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? oneLine(value) : undefined;
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function list(value: unknown, where: string, errors: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    errors.push(`- ${where} must be a list of strings`);
    return [];
  }
  return (value as string[]).map(oneLine).filter((v) => v !== '');
}

/** The submission as roadmap Markdown, checked by the roadmap parser itself. */
export function checkRoadmap(value: unknown, file: string): Checked {
  const errors: string[] = [];
  const root = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (root === undefined) return '- the roadmap must be an object {title, phases}';
  const phases = Array.isArray(root.phases) ? root.phases : [];
  if (phases.length === 0) errors.push('- phases must be a non-empty list');
  const lines = [`# ${str(root.title) ?? 'Roadmap'}`];
  phases.forEach((rawPhase: unknown, p) => {
    const phase = typeof rawPhase === 'object' && rawPhase !== null ? (rawPhase as Record<string, unknown>) : {};
    const title = str(phase.title);
    if (title === undefined) errors.push(`- phases[${p}].title must be a non-empty string`);
    lines.push('', `## Phase ${p + 1}: ${title ?? '?'}`);
    const milestones = Array.isArray(phase.milestones) ? phase.milestones : [];
    if (milestones.length === 0) errors.push(`- phases[${p}].milestones must be a non-empty list`);
    milestones.forEach((rawMilestone: unknown, m) => {
      const where = `phases[${p}].milestones[${m}]`;
      const milestone = typeof rawMilestone === 'object' && rawMilestone !== null ? (rawMilestone as Record<string, unknown>) : {};
      const mTitle = str(milestone.title);
      if (mTitle === undefined) errors.push(`- ${where}.title must be a non-empty string`);
      lines.push('', `### Milestone ${p + 1}.${m + 1}: ${mTitle ?? '?'}`);
      const duration = str(milestone.duration);
      const focus = str(milestone.focus);
      if (duration !== undefined) lines.push(`**Duration:** ${duration}`);
      if (focus !== undefined) lines.push(`**Focus:** ${focus}`);
      lines.push(...list(milestone.features, `${where}.features`, errors).map((f) => `- ${f}`));
      const metrics = list(milestone.successMetrics, `${where}.successMetrics`, errors);
      if (metrics.length > 0) lines.push('', '**Success Metrics:**', ...metrics.map((s) => `- ${s}`));
    });
  });
  if (errors.length > 0) return errors.join('\n');
  const markdown = `${lines.join('\n')}\n`;
  try {
    return { markdown, roadmap: parseRoadmap(markdown, file) };
  } catch (error) {
    return `- ${(error as Error).message}`;
  }
}
