import type { RunState } from '../../../src/protocol/domain';
import type { TransportStatus } from '../transport/transport';

export interface ConnectionLabel {
  readonly text: string;
  /** `ended`: the run is over and its server went with it; nothing is wrong. */
  readonly tone: 'live' | 'waiting' | 'ended' | 'refused';
}

const FINAL: ReadonlySet<RunState> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The header's connection status. `orch run` serves the dashboard only while its run lasts,
 * so a socket that closes after the run's final event is the expected end, not a fault: say
 * so, and let the transport keep retrying quietly in case another `orch serve` comes up.
 */
export function connectionLabel(status: TransportStatus | undefined, runState: RunState | undefined): ConnectionLabel {
  switch (status) {
    case undefined:
      return { text: 'not connected', tone: 'waiting' };
    case 'open':
      return { text: 'live', tone: 'live' };
    case 'connecting':
      return { text: 'connecting…', tone: 'waiting' };
    case 'unauthorized':
      return { text: 'token refused', tone: 'refused' };
    case 'reconnecting':
      if (runState !== undefined && FINAL.has(runState)) return { text: `Run ${runState} · server stopped; the page shows the final state`, tone: 'ended' };
      return { text: 'reconnecting…', tone: 'waiting' };
  }
}
