// The runner against the real claude CLI and the scripted model (run in a separate process so
// its CPU is not counted as Orch's): dispatch-to-init latency, whole-attempt time, Orch's own
// CPU per attempt, and the peak RSS of one claude process (and of any Node process beside it: Orch
// serves its MCP tools from its own process, so none is expected).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findMarkedProcesses } from '../src/orchestrator/runner/process-group';
import { runAttempt } from '../src/orchestrator/runner/run-attempt';
import { CLAUDE_BIN, claudeEnv } from '../test/support/claude-harness';
import { formatMs, percentile } from './stats';

const RUNS = Number(process.env.RUNNER_BENCH_RUNS ?? 12);

async function startModelProcess(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const script = join(dir, 'model.ts');
  writeFileSync(
    script,
    `import { startScriptedModel } from ${JSON.stringify(resolve('src/scripted-model/server'))};
import { writeFile } from ${JSON.stringify(resolve('src/scripted-model/scenarios'))};
void startScriptedModel({ scenario: writeFile('out.txt', 'bench\\n'), unref: false }).then((s) => console.log(s.url));\n`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done) => createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', done));
  return { url, child };
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The executable and first argument: the CLI's own argv mentions the MCP server too. */
function program(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').slice(0, 2).join(' ');
  } catch {
    return '';
  }
}

interface Sample {
  readonly initMs: number;
  readonly totalMs: number;
  readonly cpuMs: number;
  readonly claudeKb: number;
  readonly mcpKb: number;
}

async function once(url: string, root: string, i: number, orchTools: boolean, sampleMemory: boolean): Promise<Sample> {
  const cwd = mkdtempSync(join(root, 'work-'));
  const home = mkdtempSync(join(root, 'home-'));
  const marker = `ORCH_BENCH_MARKER=${process.pid}-${i}-${orchTools ? 1 : 0}`;
  let claudeKb = 0;
  let mcpKb = 0;
  // VmHWM is a high-water mark, so the last reading before exit counts. Sampling costs CPU in
  // this process, so runs that sample memory are not the runs that measure Orch's CPU.
  const poll = !sampleMemory
    ? undefined
    : setInterval(() => {
        for (const pid of findMarkedProcesses(marker)) {
          const cmd = program(pid);
          if (cmd.startsWith(process.execPath)) mcpKb = Math.max(mcpKb, vmHwmKb(pid));
          else if (cmd.includes('claude')) claudeKb = Math.max(claudeKb, vmHwmKb(pid));
        }
      }, 25);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let initMs = Number.NaN;
  const out = await runAttempt(
    {
      attemptId: `B#${i}`,
      taskId: 'B',
      systemPrompt: 'You are a benchmark agent.',
      prompt: 'Write out.txt',
      model: 'sonnet',
      allowedTools: ['Write', 'Read'],
      permissionMode: 'acceptEdits',
      cwd,
      env: { ...claudeEnv(url, home), ORCH_BENCH_MARKER: marker.split('=')[1] },
      claudePath: CLAUDE_BIN,
      artifactsDir: join(root, 'artifacts'),
      timeoutSec: 60,
      inactivityTimeoutSec: 60,
      orchTools,
    },
    (e) => {
      if (e.type === 'attempt.activity' && e.activity.kind === 'init' && Number.isNaN(initMs)) initMs = performance.now() - t0;
    },
  );
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (poll !== undefined) clearInterval(poll);
  if (out.outcome !== 'succeeded') throw new Error(`bench attempt failed: ${out.failure} ${out.message}`);
  return { initMs, totalMs, cpuMs: (cpu.user + cpu.system) / 1000, claudeKb, mcpKb };
}

function line(label: string, values: readonly number[], unit: (n: number) => string): void {
  console.log(`${label.padEnd(34)} median ${unit(percentile(values, 50)).padStart(10)}   p95 ${unit(percentile(values, 95)).padStart(10)}`);
}

export async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'orch-runner-bench-'));
  const model = await startModelProcess(root);
  try {
    await once(model.url, root, -1, true, false); // warm the page cache: the binary is 245 MB
    for (const orchTools of [true, false]) {
      const samples: Sample[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await once(model.url, root, i, orchTools, false));
      console.log(`\nreal claude CLI x ${RUNS}, one Write turn + one text turn, Orch MCP tools ${orchTools ? 'on' : 'off'}`);
      line('dispatch -> init', samples.map((s) => s.initMs), formatMs);
      line('dispatch -> outcome (whole attempt)', samples.map((s) => s.totalMs), formatMs);
      line('Orch CPU per attempt (user+sys)', samples.map((s) => s.cpuMs), formatMs);
    }
    const memory: Sample[] = [];
    for (let i = 0; i < 4; i++) memory.push(await once(model.url, root, 100 + i, true, true));
    console.log('\nmemory, 4 runs sampled every 25 ms (Orch MCP tools on)');
    line('peak RSS (VmHWM) of claude', memory.map((s) => s.claudeKb / 1024), (n) => `${n.toFixed(0)} MB`);
    line('peak RSS of Node beside the CLI', memory.map((s) => s.mcpKb / 1024), (n) => `${n.toFixed(0)} MB`);
    console.log(`load average during the bench: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
  } finally {
    model.child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}
