/**
 * Runs queued work at most `width` at a time, urgent work before background work: an agent
 * waiting for its worktree goes ahead of prefetches and cleanups that nobody waits for.
 */
export class WorkLane {
  private running = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly background: (() => void)[] = [];

  constructor(private readonly width: number) {}

  run<T>(work: () => Promise<T>, priority: 'urgent' | 'background' = 'urgent'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running += 1;
        work()
          .then(resolve, reject)
          .finally(() => {
            this.running -= 1;
            this.next();
          });
      };
      (priority === 'urgent' ? this.urgent : this.background).push(start);
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.width) {
      const start = this.urgent.shift() ?? this.background.shift();
      if (start === undefined) return;
      start();
    }
  }
}
