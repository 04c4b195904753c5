// The whole plan: the roadmap's phases and milestones with each milestone's PRDs attached.
import { readFile } from 'node:fs/promises';
import type { Roadmap } from '../../protocol/domain';
import { InputError } from '../errors';
import { loadPrds } from './prd-loader';
import { parseRoadmap } from './roadmap-parser';

export interface LoadPlanOptions {
  readonly roadmapFile: string;
  readonly workspaceDir: string;
  /** The workflow phases tasks may name (the workspace's configured order). */
  readonly phases?: readonly string[];
}

export async function loadPlan(options: LoadPlanOptions): Promise<Roadmap> {
  const roadmap = parseRoadmap(await readRoadmap(options.roadmapFile), options.roadmapFile);
  const milestoneIds = roadmap.phases.flatMap((p) => p.milestones.map((m) => m.id));
  const prds = await loadPrds({ ...options, milestoneIds });
  return {
    ...roadmap,
    phases: roadmap.phases.map((phase) => ({
      ...phase,
      milestones: phase.milestones.map((m) => ({ ...m, prds: prds.filter((prd) => prd.milestoneId === m.id) })),
    })),
  };
}

/** The roadmap's text; a missing file or a folder is bad input naming the path. */
export async function readRoadmap(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('roadmap file not found', { file }, 'pass the path of a Markdown roadmap');
    if (code === 'EISDIR') throw new InputError('the roadmap is a directory, not a file', { file });
    throw error;
  }
}
