// Orch and the real claude CLI read the same agent folder: every file one loads, the other loads
// under the same name with the same description, and Orch refuses only what Claude Code refuses.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { startScriptedModel, type ScriptedModelServer } from '../../src/scripted-model/server';
import { finish } from '../../src/scripted-model/scenarios';
import { CLAUDE_CODE_DECISIONS, CLAUDE_CODE_FIXTURES_DIR } from '../fixtures/agents/claude-code-decisions';
import { runClaude } from '../support/claude-harness';
import { useTempDir } from '../support/temp-dir';

const FIXTURES = join(__dirname, '..', 'fixtures', 'agents', CLAUDE_CODE_FIXTURES_DIR);

interface AgentsJson {
  agents: { name: string; description: string; source: string; tools: string[] | null }[];
  invalid: { file: string; line: number; message: string }[];
  warnings: { file: string; line: number; message: string }[];
}

/** Every string in a model request, where the CLI lists the agents it loaded for the model. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** `- name: description (Tools: ...)` lines of the CLI's agent listing, by name. */
function listedDescriptions(listing: string, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of names) {
    const start = listing.indexOf(`\n- ${name}: `);
    if (start === -1) continue;
    const from = start + `\n- ${name}: `.length;
    const end = listing.indexOf(' (Tools: ', from);
    found.set(name, listing.slice(from, end).trim());
  }
  return found;
}

describe('agent files: Orch decides as the real claude CLI does', function () {
  this.timeout(180_000);
  const dir = useTempDir('orch-agent-compat-');
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('loads, names, describes and refuses the fixture files as Claude Code does', async () => {
    const workspace = join(dir.path, 'ws');
    const home = join(dir.path, 'home');
    mkdirSync(home, { recursive: true });
    cpSync(FIXTURES, join(workspace, '.claude', 'agents'), { recursive: true });

    server = await startScriptedModel({ scenario: finish() });
    const run = await runClaude({ baseUrl: server.url, cwd: workspace, prompt: 'List nothing.', home });
    assert.equal(run.exitCode, 0, run.stderr);
    const cliAgents = run.init?.agents;
    assert.ok(Array.isArray(cliAgents), `init has no agents list: ${JSON.stringify(run.init)}`);
    const listing = server.modelRequests().flatMap((r) => strings(r.body)).find((s) => s.includes('Available agent types')) ?? '';
    const cliDescriptions = listedDescriptions(listing, CLAUDE_CODE_DECISIONS.map((d) => d.name));
    assert.equal(cliDescriptions.size, CLAUDE_CODE_DECISIONS.filter((d) => d.loads).length, `the CLI's agent listing: ${listing}`);

    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: CliIo = { cwd: workspace, env: { HOME: home }, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
    assert.equal(await runCli(['agents', '--json'], io), 0, stderr.join('\n'));
    const orch = JSON.parse(stdout.join('\n')) as AgentsJson;
    const orchNames = new Set(orch.agents.map((a) => a.name));

    const mismatches: string[] = [];
    for (const decision of CLAUDE_CODE_DECISIONS) {
      const byCli = cliAgents.includes(decision.name);
      const byOrch = orchNames.has(decision.name);
      if (byCli !== byOrch) mismatches.push(`${decision.file}: claude ${byCli ? 'loads' : 'refuses'} it, Orch ${byOrch ? 'loads' : 'refuses'} it`);
      else if (byCli !== decision.loads) mismatches.push(`${decision.file}: both ${byCli ? 'load' : 'refuse'} it, the fixture list says otherwise`);
      const cliDescription = cliDescriptions.get(decision.name);
      const orchDescription = orch.agents.find((a) => a.name === decision.name)?.description;
      if (byCli && byOrch && cliDescription !== orchDescription) {
        mismatches.push(`${decision.file}: claude reads the description ${JSON.stringify(cliDescription)}, Orch ${JSON.stringify(orchDescription)}`);
      }
    }
    assert.deepEqual(mismatches, []);

    const refusedFiles = new Set(orch.invalid.map((i) => i.file));
    for (const decision of CLAUDE_CODE_DECISIONS.filter((d) => !d.loads)) {
      const listed = [...refusedFiles].some((f) => f.endsWith(join('.claude', 'agents', decision.file)));
      assert.ok(listed, `${decision.file} not listed as invalid: ${JSON.stringify(orch.invalid)}`);
    }
    assert.ok(
      orch.warnings.some((w) => w.file.endsWith('unknown-tools.md') && w.line === 4 && w.message.startsWith("unknown tool 'SequentialThinking'")),
      JSON.stringify(orch.warnings),
    );
  });
});
