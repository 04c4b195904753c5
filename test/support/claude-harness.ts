// Runs the real claude CLI (node_modules/.bin/claude) against a local model server, in a
// throwaway HOME, and hands back its parsed stream-json lines. Tests use it to prove the
// loop end to end with nothing mocked but the model.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLAUDE_BIN = resolve(__dirname, '../../node_modules/.bin/claude');

export type StreamLine = Readonly<Record<string, unknown>> & { readonly type: string };

export interface ClaudeRunOptions {
  readonly baseUrl: string;
  readonly cwd: string;
  readonly prompt: string;
  readonly model?: string;
  /** Replaces the default `--permission-mode acceptEdits --allowedTools Write Edit Read Bash`. */
  readonly permissionArgs?: readonly string[];
  readonly extraArgs?: readonly string[];
  /** Added to (or, when undefined, removed from) the default environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the CLI after this long; default 150 s (a loaded machine has taken over 30 s for one short run). */
  readonly timeoutMs?: number;
  /** Reuse a HOME (e.g. to resume a session); default a fresh temp dir, removed afterwards. */
  readonly home?: string;
}

export interface ClaudeRun {
  readonly lines: readonly StreamLine[];
  /** stdout lines that were not JSON objects with a `type`. */
  readonly unparsed: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly init?: StreamLine;
  readonly result?: StreamLine;
}

function parseLine(line: string): StreamLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') return value as StreamLine;
  } catch {
    // reported through `unparsed`
  }
  return undefined;
}

export function claudeEnv(baseUrl: string, home: string, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  // Only what the CLI needs: a developer's real credentials must never reach a test run.
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'test-key',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    ...extra,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export async function runClaude(options: ClaudeRunOptions): Promise<ClaudeRun> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'orch-claude-home-'));
  const args = [
    '-p',
    options.prompt,
    '--output-format',
    'stream-json',
    '--verbose',
    ...(options.permissionArgs ?? ['--permission-mode', 'acceptEdits', '--allowedTools', 'Write', 'Edit', 'Read', 'Bash']),
    ...(options.model === undefined ? [] : ['--model', options.model]),
    ...(options.extraArgs ?? []),
  ];
  try {
    return await new Promise<ClaudeRun>((done, fail) => {
      const child = spawn(CLAUDE_BIN, args, { cwd: options.cwd, env: claudeEnv(options.baseUrl, home, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 150_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        const lines: StreamLine[] = [];
        const unparsed: string[] = [];
        for (const line of stdout.split('\n')) {
          if (line.trim() === '') continue;
          const parsed = parseLine(line);
          if (parsed === undefined) unparsed.push(line);
          else lines.push(parsed);
        }
        const init = lines.find((l) => l.type === 'system' && l.subtype === 'init');
        const result = lines.find((l) => l.type === 'result');
        done({ lines, unparsed, exitCode, signal, stderr, timedOut, ...(init ? { init } : {}), ...(result ? { result } : {}) });
      });
    });
  } finally {
    if (options.home === undefined) rmSync(home, { recursive: true, force: true });
  }
}
