import Mocha from 'mocha';

// The entry @vscode/test-electron loads inside the extension host: mocha over the bundled tests.
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: true });
  // The tests are bundled into this file, so mocha's globals must exist before they load.
  mocha.suite.emit('pre-require', globalThis, 'orch-desktop', mocha);
  await import('./orch-extension.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} desktop VS Code test(s) failed`);
}
