import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentSourceOptions } from '../../src/orchestrator/agents/agent-sources';

/** A temp dir with the four agent folders' parents (built-in, home, workspace), for tests and benches. */
export class TestWorkspace implements AgentSourceOptions {
  readonly root = mkdtempSync(join(tmpdir(), 'orch-agents-'));
  readonly builtinDir = join(this.root, 'builtin');
  readonly homeDir = join(this.root, 'home');
  readonly workspace = join(this.root, 'ws');

  constructor() {
    // The workspace and home exist, as they would; the agent folders inside them do not, yet.
    mkdirSync(this.workspace);
    mkdirSync(this.homeDir);
  }

  get userDir(): string {
    return join(this.homeDir, '.claude', 'agents');
  }
  get claudeDir(): string {
    return join(this.workspace, '.claude', 'agents');
  }
  get orchDir(): string {
    return join(this.workspace, '.orch', 'agents');
  }
  get teamsFile(): string {
    return join(this.workspace, '.orch', 'teams.yaml');
  }

  /** Writes an agent file; `front` lines go between the --- fences as given. */
  writeAgent(dir: string, file: string, front: readonly string[], body = 'You are a test agent.'): string {
    return this.write(join(dir, file), `---\n${front.join('\n')}\n---\n\n${body}\n`);
  }

  write(path: string, text: string): string {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
