import { parseConfig, type OrchConfig } from '../../orchestrator/config/orch-config';
import { InputError, InputErrors } from '../../orchestrator/errors';

/** The `orch.*` settings as VS Code hands them over: whatever the user typed in settings.json. */
export interface EditorSettings {
  readonly claudePath?: unknown;
  readonly parallel?: unknown;
  readonly budgetUsd?: unknown;
  readonly dashboardPort?: unknown;
  readonly defaultRoadmap?: unknown;
  readonly models?: unknown;
}

export interface EditorConfig {
  readonly config: OrchConfig;
  readonly defaultRoadmap?: string;
  /** The valid `orch.models` setting alone: what the editor hands the `orch` processes it starts. */
  readonly settingsModels?: OrchConfig['models'];
  /** One line per ignored setting, naming it, quoting the bad value and what is used instead. */
  readonly problems: readonly string[];
}

/**
 * Settings override `.orch/config.json` inside the editor (docs/design.md §3). An unset setting
 * (null, empty string, empty object) keeps the file's value; an invalid one is reported and
 * ignored rather than breaking every command.
 */
export function applySettings(base: OrchConfig, settings: EditorSettings): EditorConfig {
  const problems: string[] = [];
  let config: OrchConfig = { ...base };
  const bad = (key: string, value: unknown, expected: string, fallback: unknown): void => {
    problems.push(`orch.${key}: expected ${expected}, got ${JSON.stringify(value)}; using ${fallback === undefined ? 'no value' : JSON.stringify(fallback)} from .orch/config.json`);
  };

  const parallel = settings.parallel;
  if (isSet(parallel)) {
    if (typeof parallel === 'number' && Number.isInteger(parallel) && parallel >= 1 && parallel <= 64) config = { ...config, parallel };
    else bad('parallel', parallel, 'an integer from 1 to 64', base.parallel);
  }
  const budget = settings.budgetUsd;
  if (isSet(budget)) {
    if (typeof budget === 'number' && Number.isFinite(budget) && budget > 0) config = { ...config, budgetUsd: budget };
    else bad('budgetUsd', budget, 'a positive number of US dollars', base.budgetUsd);
  }
  const port = settings.dashboardPort;
  if (isSet(port)) {
    if (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) config = { ...config, dashboardPort: port };
    else bad('dashboardPort', port, 'a port number from 0 to 65535', base.dashboardPort);
  }
  const claudePath = settings.claudePath;
  if (isSet(claudePath)) {
    if (typeof claudePath === 'string') config = { ...config, claudePath: claudePath.trim() };
    else bad('claudePath', claudePath, 'a path to the claude executable', base.claudePath);
  }
  const models = settings.models;
  let settingsModels: OrchConfig['models'] | undefined;
  if (isSet(models)) {
    const parsed = parseModels(models);
    if (typeof parsed === 'string') problems.push(`orch.models: ${parsed}; using the models of .orch/config.json`);
    else {
      settingsModels = parsed;
      config = { ...config, models: { ...base.models, ...parsed } };
    }
  }
  let defaultRoadmap: string | undefined;
  const roadmap = settings.defaultRoadmap;
  if (isSet(roadmap)) {
    if (typeof roadmap === 'string') defaultRoadmap = roadmap.trim();
    else problems.push(`orch.defaultRoadmap: expected a path relative to the workspace, got ${JSON.stringify(roadmap)}`);
  }
  return { config, defaultRoadmap, settingsModels, problems };
}

function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'object' && !Array.isArray(value)) return Object.keys(value).length > 0;
  return true;
}

/** The same validation as `models` in .orch/config.json, so both say the same about a mistake. */
function parseModels(value: unknown): OrchConfig['models'] | string {
  try {
    return parseConfig(JSON.stringify({ models: value }), 'settings.json').models;
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message).join('; ');
    if (error instanceof InputError) return error.message;
    throw error;
  }
}
