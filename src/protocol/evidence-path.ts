// Events keep the absolute path an evidence file was written to, which is stale once the workspace
// is moved, copied or restored elsewhere. Shown to a person, it is named inside the workspace.

/** `.orch/runs/<runId>/evidence/<file>` for a file of the run's evidence folder; any other path as recorded. */
export function evidenceInWorkspace(runId: string, recorded: string): string {
  const marker = `/.orch/runs/${runId}/evidence/`;
  const at = recorded.replaceAll('\\', '/').lastIndexOf(marker);
  return at < 0 ? recorded : `.orch/runs/${runId}/evidence/${recorded.replaceAll('\\', '/').slice(at + marker.length)}`;
}
