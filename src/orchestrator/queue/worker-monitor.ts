// The coordinator's view of the workers: it reads their heartbeats from Redis and logs what
// changed (`worker.seen` when one joins or its slots in use change, otherwise at most every 30 s)
// and who went silent (`worker.lost`), so the log says who was alive and when.

import type { Redis } from 'ioredis';
import type { NewEvent } from '../../protocol/events';
import { heartbeatSchema, keys, type Heartbeat } from './queue-protocol';

const SEEN_EVERY_MS = 30_000;

interface Known {
  readonly beat: Heartbeat;
  readonly loggedAt: number;
  lost: boolean;
}

export class WorkerMonitor {
  private readonly known = new Map<string, Known>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private readonly lostListeners = new Set<(worker: string) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly append: (event: NewEvent) => Promise<unknown>,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** Whether the worker's heartbeat is current (a worker never heard of counts as alive: it may just be starting). */
  alive(worker: string): boolean {
    return this.known.get(worker)?.lost !== true;
  }

  onLost(listener: (worker: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Reads every registered worker's heartbeat once; exported for the moment a report names a worker not yet seen. */
  async poll(): Promise<void> {
    const names = await this.redis.smembers(keys.workers);
    const values = names.length === 0 ? [] : await this.redis.mget(...names.map((n) => keys.heartbeat(n)));
    const now = Date.now();
    for (const [name, known] of this.known) if (!known.lost && !names.includes(name)) await this.lose(name, known, 'left');
    for (const [i, name] of names.entries()) {
      const beat = parseBeat(values[i] ?? null);
      const known = this.known.get(name);
      if (beat === undefined) {
        if (known !== undefined && !known.lost) await this.lose(name, known, 'stopped heartbeating');
        continue;
      }
      const changed = known === undefined || known.lost || known.beat.slotsInUse !== beat.slotsInUse || known.beat.slots !== beat.slots || known.beat.pid !== beat.pid;
      if (changed || now - known.loggedAt >= SEEN_EVERY_MS) {
        await this.append({ type: 'worker.seen', worker: beat.worker, host: beat.host, pid: beat.pid, slots: beat.slots, slotsInUse: beat.slotsInUse, heartbeatAt: beat.heartbeatAt });
        this.known.set(name, { beat, loggedAt: now, lost: false });
      }
    }
  }

  private async lose(name: string, known: Known, reason: string): Promise<void> {
    known.lost = true;
    await this.append({ type: 'worker.lost', worker: name, reason });
    for (const listener of [...this.lostListeners]) listener(name);
  }
}

function parseBeat(text: string | null): Heartbeat | undefined {
  if (text === null) return undefined;
  try {
    const parsed = heartbeatSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
