// The openai SDK is a large module to load: a run whose agents all use Claude never loads it.

import type { AttemptRunner } from '../engine/engine-context';
import type { ModelCatalog } from '../router/model-catalog';

export function lazyOpenaiAttempt(catalog: ModelCatalog): AttemptRunner {
  let runner: Promise<AttemptRunner> | undefined;
  return async (request, emit) => {
    runner ??= import('./run-openai-attempt').then((m) => m.runOpenaiAttempt(catalog));
    return (await runner)(request, emit);
  };
}
