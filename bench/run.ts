// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in turn
// and prints their figures. Benchmarks print numbers; they never pass or fail on timing.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchModule {
  readonly bench: () => Promise<void>;
}

const dir = join(process.cwd(), 'bench');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

async function main(): Promise<void> {
  for (const file of files) {
    console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}`);
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
    await mod.bench();
  }
}

void main();
