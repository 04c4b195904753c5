// Finds and reads the PRDs of a workspace (`.orch/prds/*.md`) and of a roadmap (`prds/*.md`
// beside it), then checks what one file cannot check alone: PRD ids and milestones.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_PHASES, type Prd } from '../../protocol/domain';
import { workspacePaths } from '../workspace/workspace-paths';
import { InputError, InputErrors } from '../errors';
import { parsePrd, type ParsedPrd } from './prd-parser';

export interface LoadPrdsOptions {
  readonly roadmapFile: string;
  readonly workspaceDir: string;
  readonly milestoneIds: readonly string[];
  readonly phases?: readonly string[];
}

/** The folders PRDs are read from, in this order; one folder counts once. */
function prdDirs(roadmapFile: string, workspaceDir: string): string[] {
  const dirs = [workspacePaths(workspaceDir).prdsDir, join(dirname(roadmapFile), 'prds')];
  return dirs.filter((dir, i) => dirs.findIndex((d) => resolve(d) === resolve(dir)) === i);
}

/** Every PRD, sorted by folder then file name; throws InputErrors listing all problems of all files. */
export async function loadPrds(options: LoadPrdsOptions): Promise<Prd[]> {
  const phases = options.phases ?? DEFAULT_PHASES;
  const parsed: ParsedPrd[] = [];
  for (const dir of prdDirs(options.roadmapFile, options.workspaceDir)) {
    for (const file of await markdownFiles(dir)) {
      parsed.push(parsePrd(await readFile(file, 'utf8'), file, phases));
    }
  }
  return checkPrdSet(parsed, options.milestoneIds);
}

/** The cross-file checks, on PRDs parsed already (also what a benchmark or a watcher reuses). */
export function checkPrdSet(parsed: readonly ParsedPrd[], milestoneIds: readonly string[]): Prd[] {
  const errors: InputError[] = parsed.flatMap((p) => p.errors);
  const milestones = new Set(milestoneIds);
  const seen = new Map<string, Prd>();
  const prds: Prd[] = [];
  for (const { prd, milestoneLine } of parsed) {
    if (prd === undefined) continue;
    const first = seen.get(prd.id);
    if (first !== undefined) {
      errors.push(new InputError(`duplicate PRD id '${prd.id}' (first in ${first.source.file}:${first.source.line})`, prd.source, 'PRD ids must be unique across files'));
      continue;
    }
    seen.set(prd.id, prd);
    if (!milestones.has(prd.milestoneId)) {
      errors.push(
        new InputError(`${prd.id}: unknown milestone '${prd.milestoneId}'`, { file: prd.source.file, line: milestoneLine }, `the roadmap's milestones: ${summarize(milestoneIds)}`),
      );
      continue;
    }
    prds.push(prd);
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return prds;
}

async function markdownFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    // No PRD folder is normal (the planning agent writes PRDs later); anything else is not.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.toLowerCase().endsWith('.md'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => join(dir, name));
}

function summarize(ids: readonly string[]): string {
  if (ids.length === 0) return 'none';
  return ids.length <= 20 ? ids.join(', ') : `${ids.slice(0, 20).join(', ')}, ... (${ids.length} in all)`;
}
