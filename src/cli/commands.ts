import type { Command } from './cli-io';

// The command table. Each command lives in its own file under ./commands/ and is loaded only when
// it runs: `orch status` never evaluates the engine, the openai SDK or the dashboard server.
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  plan: async () => (await import('./commands/plan')).planCommand,
  agents: async () => (await import('./commands/agents')).agentsCommand,
  run: async () => (await import('./commands/run')).runCommand,
  resume: async () => (await import('./commands/resume')).resumeCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  demo: async () => (await import('./commands/demo')).demoCommand,
  cancel: async () => (await import('./commands/cancel')).cancelCommand,
  pause: async () => (await import('./commands/pause')).pauseCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  diff: async () => (await import('./commands/diff')).diffCommand,
  merge: async () => (await import('./commands/merge')).mergeCommand,
  token: async () => (await import('./commands/token')).tokenCommand,
  audit: async () => (await import('./commands/audit')).auditCommand,
  backup: async () => (await import('./commands/backup')).backupCommand,
  restore: async () => (await import('./commands/restore')).restoreCommand,
  defects: async () => (await import('./commands/defects')).defectsCommand,
  messages: async () => (await import('./commands/messages')).messagesCommand,
  answer: async () => (await import('./commands/answer')).answerCommand,
  learn: async () => (await import('./commands/learn')).learnCommand,
  worker: async () => (await import('./commands/worker')).workerCommand,
};
