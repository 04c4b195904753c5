import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DashboardFile {
  readonly url: string;
  readonly port: number;
  readonly token: string;
}

/** `.orch/dashboard.json`, mode 0600 from its first byte: written to a private temp file, then renamed. */
export async function writeDashboardFile(file: string, contents: DashboardFile): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await rm(temp, { force: true });
  await writeFile(temp, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
}

/** Removes the file only while it still names this server: a newer server may have replaced it. */
export async function removeDashboardFile(file: string, token: string): Promise<void> {
  try {
    const current = JSON.parse(await readFile(file, 'utf8')) as Partial<DashboardFile>;
    if (current.token === token) await rm(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
