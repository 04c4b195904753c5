#!/usr/bin/env node
// The stand-in agent behind the claude CLI's `--version`, for benches that go through `orch run`
// and its preflight rather than calling the engine directly.
if (process.argv.includes('--version')) {
  process.stdout.write('2.0.0 (Claude Code stand-in)\n');
  process.exit(0);
}
await import('./stand-in-agent.mjs');
