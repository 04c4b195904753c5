// What a command needs from the process it runs in, so tests can run commands in-process.
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

// A reader that goes away (the editor that spawned us closed, `orch status | head`) must not
// kill a run mid-cancel with EPIPE: output is a courtesy, the event log is the record.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

export const processIo: CliIo = {
  cwd: process.cwd(),
  env: process.env,
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export type Command = (args: readonly string[], io: CliIo) => Promise<number>;
