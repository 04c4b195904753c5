// What `orch --help` prints, and `orch <command> --help` (or `orch help <command>`): that command's
// lines of it, with the options that only a few commands take spelled out.

export const USAGE = `usage: orch <command> [options]   (orch --version: the installed version)

commands:
  plan <roadmap.md> [--json]     show the plan tree (--infer: the planner agent structures a free-form roadmap)
  plan <roadmap.md> --estimate [--json] [--parallel N]
                                 predicted duration, cost and risk per task, PRD, milestone and run, before any spend
  agents [--json]                list the agent registry
  run <roadmap.md> [options]     run the roadmap's tasks with Claude Code sub-agents
  resume [runId] [--task ID]...  continue an interrupted or paused run (--task: requeue only these failed/blocked tasks; the run's pending work continues)
  pause [runId] [--wait]         pause the running run: no new task starts, running ones finish
  status [runId] [--json]        a run's state, from its event log
  cancel [runId]                 cancel the active run
  serve [--port N]               dashboard and API for the workspace's runs
  diff [runId] [--task ID] [--stat] [--json]
                                 the verified work of a run (its integration branch since it started) or of one task
  merge [runId] [--into BRANCH]  take a run's integration branch into BRANCH (default: the current branch)
  token create --name N --scope read|control [--expires 7d] | token list | token revoke N
                                 scoped API tokens (printed once, stored as a hash)
  audit [--json] [--verify]      the hash-chained audit log; --verify checks the chain
  backup [--out FILE]            a consistent archive of the workspace's Orch state, also while a run is live
  restore FILE [--into DIR] [--force]
                                 restore a backup (refuses to replace newer state without --force)
  defects [runId] [--json]       defects with source, severity, owner, state and detection/resolution times
  messages [runId] [--json]      messages between agents and the person, with delivery state (--task ID: one task's conversation)
  answer <PRD-1/T2> "<text>"     answer the question a task's agent asked (a task waiting for input)
  learn [--export | --reset]     the learning store: a summary, its JSON (--export), or forget it (--reset)
  demo [--exit] [--pace S]       the bundled example with the bundled scripted model, paced, with its dashboard until Ctrl-C (--exit: end with the run, unpaced)
  worker --queue redis://HOST:PORT [--slots N] [--name NAME]
                                 run attempts of distributed runs (\`orch run|resume --queue URL\` coordinates them)`;

// Options shared by several commands, or too many to fit on a command's line above.
const OPTIONS: Readonly<Record<string, string>> = {
  run: `options:
  --milestone ID      run only this milestone's PRDs (repeatable); default: every milestone
  --parallel N        agents at once; default: "parallel" in .orch/config.json
  --budget USD        the run's spending limit (default: "budgetUsd" in config): at it, no new attempt
                      starts and the run pauses (exit 3)
  --port N            the dashboard's port on 127.0.0.1 (default: "dashboardPort" in config, else 8080;
                      when it is taken, the next free one)
  --no-dashboard      no dashboard server
  --no-git            work in the folder itself, one task at a time (for a folder that is not a git repository)
  --queue URL         a distributed run: attempts go to \`orch worker\` processes (redis://HOST:PORT)
  --claude-path FILE  the claude executable (else ORCH_CLAUDE_PATH, "claudePath" in config, then claude on PATH)
  --workspace DIR     the workspace; default: the current folder`,
  resume: `options:
  --task ID           requeue only this failed, blocked or cancelled task (repeatable)
  --budget USD        a new spending limit for the run
  --port N, --no-dashboard, --no-git, --queue URL, --claude-path FILE, --workspace DIR: as for run`,
  serve: `options:
  --port N            the port on 127.0.0.1 (default: "dashboardPort" in .orch/config.json, else 8080;
                      when it is taken, the next free one)`,
};

const WORKSPACE_NOTE = 'Every command that reads a workspace also takes --workspace DIR (default: the current folder).';

/** `--help` or `-h` among a command's arguments, before a `--` that ends its options. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The usage lines of one command (its entry and the lines that continue it), and its options. */
export function commandHelp(name: string): string {
  const lines: string[] = [];
  let mine = false;
  for (const line of USAGE.split('\n').slice(3)) {
    const entry = /^ {2}(\S+)/.exec(line);
    if (entry !== null) mine = entry[1] === name;
    if (mine) lines.push(line);
  }
  const options = OPTIONS[name];
  return ['usage: orch', ...lines, ...(options === undefined ? [] : ['', options]), '', WORKSPACE_NOTE].join('\n');
}
