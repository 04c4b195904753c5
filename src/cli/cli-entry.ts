// `orch` as installed (dist/cli.js): loads the bundle beside it (dist/cli-main.js) with V8's
// code cache. Compiling the multi-megabyte bundle costs more than a hundred milliseconds of
// every start; the cache, kept per user as the claude --version answer is, turns that into
// reading a file. A cache that is missing, stale (another bundle, another Node) or unreadable is
// only slower: the bundle is compiled as without it and the cache written anew at exit.

import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const bundle = join(__dirname, 'cli-main.js');

function cacheFile(): string | undefined {
  try {
    const { size, mtimeMs } = statSync(bundle);
    const home = process.env.XDG_CACHE_HOME !== undefined && process.env.XDG_CACHE_HOME !== '' ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
    // One entry per command, holding the functions that command ran; the bundle's size and time
    // and the V8 version name it too: an upgrade writes a new one.
    const command = /^[a-z-]{1,20}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
    return join(home, 'orch', 'code-cache', `${command}-${process.versions.v8}-${process.arch}-${size}-${Math.round(mtimeMs)}.bin`);
  } catch {
    return undefined;
  }
}

function readCache(file: string | undefined): Buffer | undefined {
  try {
    return file === undefined ? undefined : readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, script: Script): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, script.createCachedData());
    // Renamed into place: a reader never sees half a file.
    renameSync(partial, file);
    // The same command's entries for other bundles or Node versions would only pile up.
    const command = basename(file).split('-')[0] ?? '';
    for (const old of readdirSync(dirname(file))) {
      if (old !== basename(file) && old.startsWith(`${command}-`) && old.endsWith('.bin')) rmSync(join(dirname(file), old), { force: true });
    }
  } catch {
    // A cache that cannot be written only makes the next start as slow as this one.
  }
}

const file = cacheFile();
const cachedData = readCache(file);
const bytes = readFileSync(bundle);
// The build leaves the bundle ASCII (scripts/build.mjs): decoded as latin1 it is a one-byte string,
// made in about a third of the CPU of readFileSync's UTF-8 path (some 8 ms of every start).
const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
const script = new Script(Module.wrap(source), { filename: bundle, ...(cachedData === undefined ? {} : { cachedData }) });
if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
  // At exit, the functions this command ran are compiled too: the next start finds them cached.
  process.once('exit', () => writeCache(file, script));
}
const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
const main = new Module(bundle, module);
main.filename = bundle;
run.call(main.exports, main.exports, createRequire(bundle), main, bundle, __dirname);
