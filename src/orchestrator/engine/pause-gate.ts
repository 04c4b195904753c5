/**
 * A user's pause: the engine stops starting tasks, lets the running ones finish, records
 * `run.paused`, and waits here until resumed (or cancelled). The process and its lock stay, so
 * a resume is instant and nobody else can take the workspace meanwhile.
 */
export class PauseGate {
  private requestedBy: string | undefined;
  private listeners = new Set<() => void>();

  get requested(): boolean {
    return this.requestedBy !== undefined;
  }

  get by(): string {
    return this.requestedBy ?? '';
  }

  pause(by: string): void {
    this.requestedBy = by;
    this.notify();
  }

  resume(): void {
    this.requestedBy = undefined;
    this.notify();
  }

  /** Resolves at the next pause or resume. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      const listener = () => {
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  async untilResumed(signal: AbortSignal): Promise<void> {
    // Signal listeners do not keep Node alive: without a pending timer a paused `orch run
    // --no-dashboard` (how the editor runs it) would drain its event loop and exit 0 mid-run.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      while (this.requested && !signal.aborted) {
        const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        await Promise.race([this.changed(), aborted]);
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
