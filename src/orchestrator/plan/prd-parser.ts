// One PRD file (docs/design.md §3) into a Prd, with every problem located at its file and line.
// Checks that need other files (milestones, PRD ids across files) are the loader's job.
import type { Prd, Task, VerifyCheck } from '../../protocol/domain';
import { InputError } from '../errors';
import { readBrowser } from './prd-browser-check';
import { splitPrdFrontmatter } from './prd-frontmatter';
import { checkTaskGraph, type TaskDraft } from './task-graph';
import { describe, YamlReader, type YamlMapNode } from './yaml-reader';

export interface ParsedPrd {
  /** Undefined when the file is too broken to say what it defines. */
  readonly prd: Prd | undefined;
  readonly milestoneLine: number;
  readonly errors: readonly InputError[];
}

const PRD_KEYS = ['id', 'milestone', 'title', 'tasks'] as const;
const TASK_KEYS = ['id', 'title', 'description', 'agent', 'phase', 'depends', 'model', 'output', 'budgetUsd', 'verify', 'review'] as const;
// Ids name git branches, worktree folders and dashboard routes: keep them to safe characters.
const ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$/;

export function parsePrd(text: string, file: string, phases: readonly string[]): ParsedPrd {
  let front;
  try {
    front = splitPrdFrontmatter(text, file);
  } catch (error) {
    if (error instanceof InputError) return { prd: undefined, milestoneLine: 1, errors: [error] };
    throw error;
  }
  const r = new YamlReader(front.yaml, file, front.firstLine);
  if (r.errors.length > 0) return { prd: undefined, milestoneLine: 1, errors: r.errors };
  const root = r.map(r.root);
  if (root === undefined) {
    r.error(`the frontmatter must be a mapping with ${PRD_KEYS.join(', ')}, got ${describe(r.root)}`, r.root);
    return { prd: undefined, milestoneLine: 1, errors: r.errors };
  }
  const fields = r.entries(root, PRD_KEYS, 'the PRD');
  const id = readId(r, fields.get('id'), 'PRD', root);
  const milestone = fields.get('milestone');
  const milestoneId = requiredText(r, milestone, "'milestone'", root, { numbers: true });
  const title = requiredText(r, fields.get('title'), "'title'", root);
  const tasks = readTasks(r, fields.get('tasks')?.value, id ?? '?', phases);
  checkTaskGraph(r, id ?? '?', tasks, phases);
  const milestoneLine = r.lineOf(milestone?.value ?? milestone?.key, 1);
  if (id === undefined || milestoneId === undefined || title === undefined) return { prd: undefined, milestoneLine, errors: r.errors };
  const prd: Prd = {
    id,
    milestoneId,
    title,
    body: front.body,
    tasks: tasks.map((t) => t.task),
    source: { file, line: r.lineOf(fields.get('id')?.key, 1) },
  };
  return { prd, milestoneLine, errors: r.errors };
}

type Entry = { key: unknown; value: unknown } | undefined;

function requiredText(r: YamlReader, entry: Entry, name: string, parent: unknown, options: { numbers?: boolean } = {}): string | undefined {
  if (entry === undefined) {
    r.error(`missing ${name}`, parent);
    return undefined;
  }
  return optionalText(r, entry, name, options);
}

function optionalText(r: YamlReader, entry: Entry, name: string, options: { numbers?: boolean } = {}): string | undefined {
  if (entry === undefined) return undefined;
  const value = r.text(entry.value, options);
  if (value === undefined) r.error(`${name} must be a non-empty string, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
  return value;
}

const MAX_ID_LENGTH = 64;

/** What git would refuse in a branch name made of this id (git check-ref-format), or undefined. */
function idProblem(id: string): string | undefined {
  if (!ID.test(id)) return "may only contain letters, digits, '.', '_' and '-'";
  if (id.includes('..')) return "must not contain '..'";
  if (id.toLowerCase().endsWith('.lock')) return "must not end with '.lock'";
  if (id.length > MAX_ID_LENGTH) return `is ${id.length} characters long; at most ${MAX_ID_LENGTH}`;
  return undefined;
}

function readId(r: YamlReader, entry: Entry, what: string, parent: unknown): string | undefined {
  const id = requiredText(r, entry, `${what} 'id'`, parent, { numbers: true });
  if (id === undefined) return id;
  const problem = idProblem(id);
  if (problem === undefined) return id;
  r.error(`${what} id '${id.length > 80 ? `${id.slice(0, 80)}…` : id}' ${problem}`, entry?.value, 'it names git branches and folders');
  return undefined;
}

function readTasks(r: YamlReader, node: unknown, prdId: string, phases: readonly string[]): TaskDraft[] {
  if (r.isEmptyList(node)) return [];
  const items = r.seq(node);
  if (items === undefined) {
    r.error(`'tasks' must be a list, got ${describe(node)}`, node);
    return [];
  }
  const drafts: TaskDraft[] = [];
  for (const item of items) {
    const map = r.map(item);
    if (map === undefined) {
      r.error(`a task must be a mapping with id, title, description, ..., got ${describe(item)}`, item, undefined, r.lineOf(node));
      continue;
    }
    const draft = readTask(r, map, prdId, phases);
    if (draft !== undefined) drafts.push(draft);
  }
  return drafts;
}

function readTask(r: YamlReader, map: YamlMapNode, prdId: string, phases: readonly string[]): TaskDraft | undefined {
  const fields = r.entries(map, TASK_KEYS, 'a task');
  const id = readId(r, fields.get('id'), 'task', map);
  const where = `task ${id ?? '?'}`;
  const title = requiredText(r, fields.get('title'), `${where}: 'title'`, map);
  const description = requiredText(r, fields.get('description'), `${where}: 'description'`, map);
  const agent = optionalText(r, fields.get('agent'), `${where}: 'agent'`);
  const phaseEntry = fields.get('phase');
  let phase = optionalText(r, phaseEntry, `${where}: 'phase'`);
  if (phase !== undefined && !phases.includes(phase)) {
    r.error(`${where}: unknown phase '${phase}'`, phaseEntry?.value, `phases: ${phases.join(', ')}`);
    phase = undefined;
  }
  const model = optionalText(r, fields.get('model'), `${where}: 'model'`);
  const output = readPath(r, fields.get('output'), `${where}: 'output'`);
  const budgetUsd = readBudget(r, fields.get('budgetUsd'), where);
  const depends = readDepends(r, fields.get('depends'), where);
  const verify = readVerify(r, fields.get('verify'), where);
  const review = readReview(r, fields.get('review'), where);
  if (id === undefined || title === undefined || description === undefined) return undefined;
  const task: Task = {
    id,
    prdId,
    title,
    description,
    ...(agent === undefined ? {} : { agent }),
    ...(phase === undefined ? {} : { phase }),
    depends: depends.map((d) => d.id),
    ...(model === undefined ? {} : { model }),
    ...(output === undefined ? {} : { output }),
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
    verify,
    ...(review === undefined ? {} : { review }),
    source: { file: r.file, line: r.lineOf(map) },
    ...fieldLinesOf(r, fields.get('agent'), fields.get('model')),
  };
  return { task, idLine: r.lineOf(fields.get('id')?.value, r.lineOf(map)), dependsLines: depends.map((d) => d.line) };
}

function readReview(r: YamlReader, entry: Entry, where: string): boolean | undefined {
  if (entry === undefined) return undefined;
  const value = r.scalar(entry.value);
  if (typeof value === 'boolean') return value;
  r.error(`${where}: 'review' must be true or false, got ${describe(entry.value)}`, entry.value, 'for example review: true', r.lineOf(entry.key));
  return undefined;
}

function readBudget(r: YamlReader, entry: Entry, where: string): number | undefined {
  if (entry === undefined) return undefined;
  const value = r.scalar(entry.value);
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  r.error(`${where}: 'budgetUsd' must be a positive number of US dollars, got ${describe(entry.value)}`, entry.value, 'for example budgetUsd: 0.5', r.lineOf(entry.key));
  return undefined;
}

function readDepends(r: YamlReader, entry: Entry, where: string): { id: string; line: number }[] {
  if (entry === undefined || r.isEmptyList(entry.value)) return [];
  const items = r.seq(entry.value);
  if (items === undefined) {
    r.error(`${where}: 'depends' must be a list of task ids, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
    return [];
  }
  const out: { id: string; line: number }[] = [];
  for (const item of items) {
    const id = r.text(item, { numbers: true });
    if (id === undefined) r.error(`${where}: 'depends' entries must be task ids, got ${describe(item)}`, item, undefined, r.lineOf(entry.value));
    else out.push({ id, line: r.lineOf(item, r.lineOf(entry.value)) });
  }
  return out;
}

function readVerify(r: YamlReader, entry: Entry, where: string): VerifyCheck[] {
  if (entry === undefined || r.isEmptyList(entry.value)) return [];
  const items = r.seq(entry.value);
  if (items === undefined) {
    r.error(`${where}: 'verify' must be a list of checks, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
    return [];
  }
  const checks: VerifyCheck[] = [];
  for (const item of items) {
    const check = readCheck(r, item, where, r.lineOf(entry.value));
    if (check !== undefined) checks.push(check);
  }
  return checks;
}

const CHECK_HINT = 'a check is one of {file: PATH}, {command: CMD, timeout?: SECONDS}, {browser: {url, expect?, screenshot?, timeout?, serve?, browsers?, viewport?, steps?}}';

function readCheck(r: YamlReader, item: unknown, where: string, fallbackLine: number): VerifyCheck | undefined {
  const map = r.map(item);
  if (map === undefined) {
    r.error(`${where}: a verify check must be a mapping, got ${describe(item)}`, item, CHECK_HINT, fallbackLine);
    return undefined;
  }
  const fields = r.entries(map, ['file', 'command', 'timeout', 'browser'], 'a verify check');
  const kinds = ['file', 'command', 'browser'].filter((k) => fields.has(k));
  if (kinds.length !== 1) {
    r.error(`${where}: a verify check needs exactly one of file, command, browser, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`, map, CHECK_HINT);
    return undefined;
  }
  const timeout = fields.get('timeout');
  if (timeout !== undefined && kinds[0] !== 'command') {
    const inside = kinds[0] === 'browser' ? '; a browser check takes it inside its mapping: browser: {url, timeout}' : '';
    r.error(`${where}: 'timeout' applies to a command check only${inside}`, timeout.key);
  }
  if (kinds[0] === 'file') {
    const path = readPath(r, fields.get('file'), `${where}: verify 'file'`);
    return path === undefined ? undefined : { kind: 'file', path };
  }
  if (kinds[0] === 'command') {
    const command = optionalText(r, fields.get('command'), `${where}: verify 'command'`);
    const seconds = timeout === undefined ? undefined : readSeconds(r, timeout, where);
    if (command === undefined) return undefined;
    return seconds === undefined ? { kind: 'command', command } : { kind: 'command', command, timeoutSec: seconds };
  }
  return readBrowser(r, fields.get('browser'), where, readSeconds);
}

/** A day: longer is a typo, and Node's timers overflow past 24.8 days and fire at once. */
const MAX_CHECK_TIMEOUT_SEC = 86_400;

function readSeconds(r: YamlReader, entry: { key: unknown; value: unknown }, where: string): number | undefined {
  const value = r.scalar(entry.value);
  if (typeof value === 'number' && Number.isFinite(value) && value > MAX_CHECK_TIMEOUT_SEC) {
    r.error(`${where}: 'timeout' is ${value} seconds; at most ${MAX_CHECK_TIMEOUT_SEC} (a day)`, entry.value, undefined, r.lineOf(entry.key));
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  r.error(`${where}: 'timeout' must be a positive number of seconds, got ${describe(entry.value)}`, entry.value, undefined, r.lineOf(entry.key));
  return undefined;
}

/** A relative path that stays inside the task's worktree: agents write there and nowhere else. */
function readPath(r: YamlReader, entry: Entry, name: string): string | undefined {
  const path = optionalText(r, entry, name);
  if (path === undefined) return undefined;
  if (/^(?:[/\\]|[A-Za-z]:)/.test(path) || path.split(/[/\\]/).includes('..')) {
    r.error(`${name} must be a relative path inside the workspace, got '${path}'`, entry?.value);
    return undefined;
  }
  return path;
}

function fieldLinesOf(r: YamlReader, agent: Entry, model: Entry): Pick<Task, 'fieldLines'> {
  if (agent === undefined && model === undefined) return {};
  return { fieldLines: { ...(agent === undefined ? {} : { agent: r.lineOf(agent.key) }), ...(model === undefined ? {} : { model: r.lineOf(model.key) }) } };
}
