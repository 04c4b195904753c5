import { strict as assert } from 'node:assert';
import type { RunSummary } from '../../src/protocol/dashboard-messages';
import { foldEvents } from '../../src/protocol/fold';
import { connectionLabel } from '../../webview/src/lib/connection-label';
import { runChoices } from '../../webview/src/lib/run-picker';
import { sampleRoadmap } from '../integration/server-harness';
import { sequenced } from '../support/builders';

const summary = (runId: string, state: RunSummary['state']): RunSummary => ({ runId, state, roadmapFile: 'roadmap.md', startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });

describe('webview header', () => {
  it('the run selector takes the open run\'s state from its folded events, the others from the run index', () => {
    const cancelled = foldEvents(
      sequenced('new', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
        { type: 'plan.loaded', roadmap: sampleRoadmap },
        { type: 'run.finished', state: 'cancelled' },
      ]),
    );
    const runs = [summary('new', 'running'), summary('old', 'running')];
    assert.deepEqual(runChoices(runs, cancelled), [
      { runId: 'new', label: 'new (cancelled)' },
      { runId: 'old', label: 'old (running)' },
    ]);
    assert.deepEqual(runChoices(runs, undefined).map((c) => c.label), ['new (running)', 'old (running)']);
  });

  it('a socket closed after the run\'s final event says the run and its server are done, not "reconnecting"', () => {
    assert.deepEqual(connectionLabel('reconnecting', 'cancelled'), { text: 'Run cancelled · server stopped; the page shows the final state', tone: 'ended' });
    assert.deepEqual(connectionLabel('reconnecting', 'completed'), { text: 'Run completed · server stopped; the page shows the final state', tone: 'ended' });
    assert.deepEqual(connectionLabel('reconnecting', 'running'), { text: 'reconnecting…', tone: 'waiting' });
    assert.deepEqual(connectionLabel('reconnecting', 'paused'), { text: 'reconnecting…', tone: 'waiting' });
    assert.deepEqual(connectionLabel('reconnecting', undefined), { text: 'reconnecting…', tone: 'waiting' });
    assert.deepEqual(connectionLabel('open', 'cancelled'), { text: 'live', tone: 'live' });
    assert.deepEqual(connectionLabel('unauthorized', 'cancelled'), { text: 'token refused', tone: 'refused' });
    assert.deepEqual(connectionLabel(undefined, undefined), { text: 'not connected', tone: 'waiting' });
  });
});
