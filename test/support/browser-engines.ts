// The three engines browser checks drive, as Debian installs them: a suite skips, saying which
// package to install, only when one of them is truly absent from this machine.
import { existsSync } from 'node:fs';
import { DEFAULT_CHROMIUM_PATH } from '../../src/orchestrator/engine/verify-browser';
import { DEFAULT_FIREFOX_PATH } from '../../src/orchestrator/verify/firefox-page';
import { DEFAULT_WEBKIT_DRIVER } from '../../src/orchestrator/verify/webkit-page';

const NEEDED: readonly (readonly [string, string])[] = [
  [DEFAULT_CHROMIUM_PATH, 'chromium'],
  [DEFAULT_FIREFOX_PATH, 'firefox-esr'],
  [DEFAULT_WEBKIT_DRIVER, 'webkit2gtk-driver'],
  ['/usr/bin/xvfb-run', 'xvfb'],
];

/** Why the three engines cannot run here (`apt-get install …`), or undefined when they can. */
export function missingEngines(): string | undefined {
  const missing = NEEDED.filter(([path]) => !existsSync(path));
  if (missing.length === 0) return undefined;
  return `${missing.map(([path]) => path).join(', ')} missing (apt-get install -y ${missing.map(([, pkg]) => pkg).join(' ')})`;
}
