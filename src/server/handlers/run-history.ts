import { listRuns } from '../../orchestrator/views/list-runs';
import { readRunHistory } from '../../orchestrator/views/run-history';
import { sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** `?roadmap=FILE`: one point per run of that roadmap, oldest first (the learning curve); without it, the newest run's roadmap. */
export const runHistoryHandler: RouteHandler = async ({ res, url }, context) => {
  const asked = url.searchParams.get('roadmap');
  const roadmap = asked !== null && asked !== '' ? asked : ((await listRuns(context.paths))[0]?.roadmapFile ?? '');
  sendOk(res, roadmap === '' ? { roadmapFile: '', runs: [] } : await readRunHistory(context.paths, roadmap));
};
