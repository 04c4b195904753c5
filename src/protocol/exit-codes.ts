// The `orch` CLI's exit codes: the CLI returns them and the extension, which spawns the CLI, reads them.
export const EXIT = {
  ok: 0,
  taskFailed: 1,
  usage: 2,
  budget: 3,
  cancelled: 130,
} as const;
