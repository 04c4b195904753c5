import { access, constants } from 'node:fs/promises';

/** A browser started on first use and shared after; closing one that never started, or is gone already, is not an error. */
export function launchedOnce<B extends { close(): Promise<void> }>(start: () => Promise<B>): { get(): Promise<B>; close(): Promise<void> } {
  let launched: Promise<B> | undefined;
  return {
    get() {
      launched ??= start();
      return launched;
    },
    async close() {
      const pending = launched;
      launched = undefined;
      if (pending === undefined) return;
      try {
        await (await pending).close();
      } catch {
        // it never started, or it is gone already
      }
    },
  };
}

/** The engine's executable must be there and runnable: else `missing`, which says how to get it. */
export async function requireExecutable(path: string, missing: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(missing);
  }
}
