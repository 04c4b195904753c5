import type { OrchConfig } from '../config/orch-config';
import type { AttemptRunner } from '../engine/engine-context';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { checkReachable, parseQueueUrl } from './queue-connection';
import { QueueRunner } from './queue-runner';
import { redactor, secretsOf } from '../security/redact-secrets';

/** `--queue URL` of `orch run` and `orch resume`: refused with a clear error unless Redis answers there. */
export async function openQueueRunner(url: string, setup: { readonly paths: WorkspacePaths; readonly config: OrchConfig }, local: AttemptRunner): Promise<QueueRunner> {
  const address = parseQueueUrl(url);
  await checkReachable(address);
  const command = setup.config.worktree.setup;
  return new QueueRunner({
    address,
    orchDir: setup.paths.orchDir,
    local,
    evidenceDir: (runId) => setup.paths.evidenceDir(runId),
    root: setup.paths.root,
    redact: redactor(secretsOf(process.env, setup.config.redact)),
    ...(command === undefined ? {} : { setup: { command, timeoutSec: setup.config.worktree.setupTimeoutSec } }),
  });
}
