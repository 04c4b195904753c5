import type { Server } from 'node:http';

/**
 * Listens on 127.0.0.1 at `port`, or the next free one above it (docs/design.md §5); port 0 lets
 * the system choose. Resolves with the port actually bound.
 */
export async function listenOnFreePort(server: Server, port: number, tries = 50): Promise<number> {
  for (let candidate = port; ; candidate += 1) {
    try {
      await listenOnce(server, candidate);
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('server has no TCP address after listen');
      return address.port;
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || port === 0 || candidate - port + 1 >= tries || candidate >= 65535) {
        throw inUse ? new Error(`ports ${port}-${candidate} on 127.0.0.1 are all in use; pass another with --port`) : error;
      }
    }
  }
}

function listenOnce(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}
