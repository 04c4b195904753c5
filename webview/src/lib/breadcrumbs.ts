import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { hrefTo, type Route } from '../state/hash-router.svelte';
import { attemptNumber, shortTaskId } from './format';
import { findMilestone } from './run-queries';

export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

/** Roadmap > Milestone > PRD > Task > Attempt, as far down as the route goes. */
export function breadcrumbs(route: Route, run: RunSnapshot | undefined): readonly Crumb[] {
  const crumbs: Crumb[] = [{ label: 'Roadmap', href: '#/' }];
  if (route.level === 'roadmap') return crumbs;
  if (route.level === 'not-found') return [...crumbs, { label: 'Not found' }];
  if (route.level === 'agents') return [...crumbs, { label: 'Agents', href: '#/agents' }];
  if (route.level === 'costs') return [...crumbs, { label: 'Costs and quality', href: '#/costs' }];
  if (route.level === 'defects') return [...crumbs, { label: 'Defects', href: '#/defects' }];
  if (route.level === 'messages') return [...crumbs, { label: 'Messages', href: '#/messages' }];
  if (route.level === 'graphs') return [...crumbs, { label: 'Graphs', href: '#/graphs' }];
  let milestoneId: string | undefined;
  let prdId: string | undefined;
  let taskId: string | undefined;
  let attemptId: string | undefined;
  if (route.level === 'milestone') milestoneId = route.id;
  if (route.level === 'prd') prdId = route.id;
  if (route.level === 'task') taskId = route.id;
  if (route.level === 'attempt') {
    attemptId = route.id;
    taskId = run?.attempts[route.id]?.taskId;
  }
  if (taskId !== undefined) {
    const task = run?.tasks[taskId];
    prdId = task?.prdId;
    milestoneId = task?.milestoneId;
  }
  if (prdId !== undefined && milestoneId === undefined && run !== undefined) {
    milestoneId = run.roadmap?.phases.flatMap((p) => p.milestones).find((m) => m.prds.some((x) => x.id === prdId))?.id;
  }
  if (milestoneId !== undefined) {
    const title = run === undefined ? undefined : findMilestone(run, milestoneId)?.title;
    crumbs.push({ label: `Milestone ${milestoneId}${title === undefined ? '' : `: ${title}`}`, href: hrefTo('milestone', milestoneId) });
  }
  if (prdId !== undefined) crumbs.push({ label: prdId, href: hrefTo('prd', prdId) });
  if (taskId !== undefined) crumbs.push({ label: shortTaskId(taskId), href: hrefTo('task', taskId) });
  if (attemptId !== undefined) crumbs.push({ label: `Attempt ${attemptNumber(attemptId)}`, href: hrefTo('attempt', attemptId) });
  return crumbs;
}
