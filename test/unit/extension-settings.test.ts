import { strict as assert } from 'node:assert';
import { defaultConfig, parseConfig } from '../../src/orchestrator/config/orch-config';
import { MODELS_ENV, withModelsFromEnv } from '../../src/orchestrator/config/models-env';
import { InputErrors } from '../../src/orchestrator/errors';
import { cliResumeArgs, cliRunArgs, cliSettingsEnv } from '../../src/extension/cli-run';
import { applySettings } from '../../src/extension/model/settings-config';

const fileConfig = parseConfig(JSON.stringify({ parallel: 2, budgetUsd: 10, claudePath: '/opt/claude', models: { sonnet: { inputPerMTok: 3 } } }), '.orch/config.json');

describe('editor settings over .orch/config.json', () => {
  it('keeps the file\'s values for unset settings (VS Code\'s defaults: null, "", {})', () => {
    const { config, problems, defaultRoadmap } = applySettings(fileConfig, { parallel: null, budgetUsd: null, dashboardPort: null, claudePath: '', defaultRoadmap: '', models: {} });
    assert.deepEqual(config, fileConfig);
    assert.deepEqual(problems, []);
    assert.equal(defaultRoadmap, undefined);
  });

  it('lets set values override the file, merging model overrides by model', () => {
    const { config, defaultRoadmap } = applySettings(fileConfig, {
      parallel: 6,
      budgetUsd: 2.5,
      dashboardPort: 0,
      claudePath: ' /usr/local/bin/claude ',
      defaultRoadmap: 'docs/ROADMAP.md',
      models: { opus: { tier: 'strong' } },
    });
    assert.equal(config.parallel, 6);
    assert.equal(config.budgetUsd, 2.5);
    assert.equal(config.dashboardPort, 0);
    assert.equal(config.claudePath, '/usr/local/bin/claude');
    assert.deepEqual(config.models, { sonnet: { inputPerMTok: 3 }, opus: { tier: 'strong' } });
    assert.equal(defaultRoadmap, 'docs/ROADMAP.md');
    assert.equal(config.maxAttempts, defaultConfig.maxAttempts);
  });

  it('ignores an invalid setting with a message that names it, quotes it and says what is used', () => {
    const { config, problems } = applySettings(fileConfig, { parallel: 0, budgetUsd: '5', dashboardPort: 70000, models: { sonnet: { inputPerMTok: -1 } } });
    assert.deepEqual(config, fileConfig);
    assert.deepEqual(problems, [
      'orch.parallel: expected an integer from 1 to 64, got 0; using 2 from .orch/config.json',
      'orch.budgetUsd: expected a positive number of US dollars, got "5"; using 10 from .orch/config.json',
      'orch.dashboardPort: expected a port number from 0 to 65535, got 70000; using 8080 from .orch/config.json',
      'orch.models: models.sonnet.inputPerMTok: Too small: expected number to be >=0; using the models of .orch/config.json',
    ]);
  });

  it('reports an unknown model key the way .orch/config.json would', () => {
    const { problems } = applySettings(defaultConfig, { models: { sonnet: { price: 3 } } });
    assert.deepEqual(problems, ['orch.models: unknown key "price"; using the models of .orch/config.json']);
  });

  it('turns the settings into `orch run` and `orch resume` arguments without any secret', () => {
    const { config } = applySettings(fileConfig, { parallel: 3 });
    const args = cliRunArgs({ workspace: '/ws', roadmapFile: '/ws/roadmap.md', milestones: ['1.1', '1.2'], config });
    assert.deepEqual(args, ['run', '/ws/roadmap.md', '--workspace', '/ws', '--parallel', '3', '--budget', '10', '--claude-path', '/opt/claude', '--no-dashboard', '--milestone', '1.1', '--milestone', '1.2']);
    assert.deepEqual(cliResumeArgs({ workspace: '/ws', runId: 'r1', config: applySettings(fileConfig, { budgetUsd: 20 }).config }), ['resume', 'r1', '--workspace', '/ws', '--budget', '20', '--claude-path', '/opt/claude', '--no-dashboard']);
  });

  it('adds --task for each task to retry', () => {
    assert.deepEqual(cliResumeArgs({ workspace: '/ws', runId: 'r1', config: defaultConfig, tasks: ['PRD-1/T2', 'PRD-2/T1'] }), ['resume', 'r1', '--workspace', '/ws', '--no-dashboard', '--task', 'PRD-1/T2', '--task', 'PRD-2/T1']);
  });

  it('hands orch.models to the CLI in its environment only, and the CLI merges it over the file as the editor does', () => {
    const editor = applySettings(fileConfig, { models: { opus: { tier: 'strong' }, sonnet: { outputPerMTok: 20 } } });
    const env = cliSettingsEnv(editor);
    assert.deepEqual(Object.keys(env), [MODELS_ENV]);
    const args = cliRunArgs({ workspace: '/ws', roadmapFile: '/ws/roadmap.md', milestones: [], config: editor.config });
    assert.ok(!args.some((a) => a.includes('opus') || a.includes('outputPerMTok')), `no model setting in argv: ${args.join(' ')}`);
    const inCli = withModelsFromEnv(fileConfig, env);
    assert.deepEqual(inCli.models, editor.config.models);
    assert.deepEqual(inCli.models, { sonnet: { outputPerMTok: 20 }, opus: { tier: 'strong' } });
  });

  it('passes no variable when orch.models is unset or invalid (the editor already said why)', () => {
    assert.deepEqual(cliSettingsEnv(applySettings(fileConfig, { models: {} })), {});
    assert.deepEqual(cliSettingsEnv(applySettings(fileConfig, { models: { sonnet: { inputPerMTok: -1 } } })), {});
  });

  it('the CLI refuses a bad variable with the setting\'s name, validated like .orch/config.json', () => {
    assert.equal(withModelsFromEnv(fileConfig, {}), fileConfig);
    const bad = (text: string): string => {
      try {
        withModelsFromEnv(fileConfig, { [MODELS_ENV]: text });
      } catch (error) {
        return error instanceof InputErrors ? error.message : (error as { format(): string }).format();
      }
      throw new Error(`accepted ${text}`);
    };
    assert.equal(bad('{"sonnet":{"inputPerMTok":-1}}'), 'ORCH_MODELS (the orch.models setting): models.sonnet.inputPerMTok: Too small: expected number to be >=0');
    assert.equal(bad('{"sonnet":{"price":3}}'), 'ORCH_MODELS (the orch.models setting): unknown key "price"');
    assert.match(bad('{"sonnet":'), /^ORCH_MODELS \(the orch\.models setting\): invalid JSON: /);
  });
});
