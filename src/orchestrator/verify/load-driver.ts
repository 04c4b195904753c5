// The browser drivers are loaded only when a check needs them. Orch's own copy comes first; an
// Orch installed without its dependencies (the .vsix) falls back to the workspace's copy.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { firstLine } from './engine-page';

/**
 * `bundled` imports the package with a literal specifier (so the bundler keeps it external);
 * `pick` takes what is needed from the module, whichever copy it came from.
 */
export async function loadDriver<M, T>(name: 'playwright-core' | 'puppeteer-core', cwd: string, need: string, bundled: () => Promise<M>, pick: (module: M) => T): Promise<T> {
  try {
    return pick(await bundled());
  } catch (error) {
    try {
      return pick(createRequire(join(cwd, 'package.json'))(name) as M);
    } catch {
      throw new Error(`${name} cannot be loaded (${firstLine(error)}): ${need}; install it in the workspace (npm install --save-dev ${name})`, { cause: error });
    }
  }
}
