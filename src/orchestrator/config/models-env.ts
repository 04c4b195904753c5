import { InputError, InputErrors } from '../errors';
import { parseConfig, type OrchConfig } from './orch-config';

/**
 * The editor's `orch.models` setting reaches the `orch` process it starts through this variable
 * (JSON of the `models` object), not argv: argv is visible to every user of the machine in `ps`.
 */
export const MODELS_ENV = 'ORCH_MODELS';

const WHERE = `${MODELS_ENV} (the orch.models setting)`;

/** The variable's value for validated overrides; undefined when there are none. */
export function modelsEnvValue(models: OrchConfig['models'] | undefined): string | undefined {
  return models === undefined || Object.keys(models).length === 0 ? undefined : JSON.stringify(models);
}

/**
 * `.orch/config.json` with the variable's models merged over its own (a model named in both
 * takes the setting's entry, as inside the editor), validated like the file.
 */
export function withModelsFromEnv(config: OrchConfig, env: Readonly<Record<string, string | undefined>>): OrchConfig {
  const text = env[MODELS_ENV];
  if (text === undefined || text.trim() === '') return config;
  let models: unknown;
  try {
    models = JSON.parse(text);
  } catch (error) {
    throw new InputError(`invalid JSON: ${(error as Error).message}`, { file: WHERE });
  }
  try {
    return { ...config, models: { ...config.models, ...parseConfig(JSON.stringify({ models }), WHERE).models } };
  } catch (error) {
    // parseConfig points at a line of its own one-line text: name the setting instead.
    if (error instanceof InputErrors) throw new InputErrors(error.errors.map((e) => new InputError(e.message, { file: WHERE })));
    throw error;
  }
}
