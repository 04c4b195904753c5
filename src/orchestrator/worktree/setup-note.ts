import type { TaskSetup } from '../../protocol/run-snapshot';

/**
 * One sentence for an agent's brief about how its worktree was made ready, so it does not
 * install again what is there; undefined when nothing was done or the setup did not succeed.
 */
export function worktreeSetupNote(setup: TaskSetup | undefined): string | undefined {
  if (setup === undefined) return undefined;
  const included = setup.included > 0 ? `${setup.included} gitignored path(s) named in .worktreeinclude (such as .env) were copied in from the main workspace` : undefined;
  let ran: string | undefined;
  if (setup.command !== undefined && setup.outcome === 'succeeded') ran = `the setup command \`${setup.command}\` already ran in this worktree`;
  else if (setup.command !== undefined && setup.outcome === 'reused') ran = `the dependencies \`${setup.command}\` installs are already in this worktree (copied from an identical install)`;
  else if (setup.outcome !== 'succeeded') return undefined;
  const parts = [ran, included].filter((p): p is string => p !== undefined);
  if (parts.length === 0) return undefined;
  const text = parts.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
