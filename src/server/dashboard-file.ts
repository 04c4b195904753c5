import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dashboardAnswers } from '../orchestrator/workspace/stale-dashboard-file';
import { ignoreRuntimeFiles } from '../orchestrator/workspace/runtime-ignore';

export interface DashboardFile {
  readonly url: string;
  readonly port: number;
  readonly token: string;
}

/** `.orch/dashboard.json`, mode 0600 from its first byte: written to a private temp file, then renamed. */
export async function writeDashboardFile(file: string, contents: DashboardFile): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await mkdir(dirname(file), { recursive: true });
  await ignoreRuntimeFiles(dirname(file));
  await rm(temp, { force: true });
  await writeFile(temp, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
}

/** The file as another server left it, if it names one. */
export async function readDashboardFile(file: string): Promise<DashboardFile | undefined> {
  try {
    const { url, port, token } = JSON.parse(await readFile(file, 'utf8')) as Partial<DashboardFile>;
    return typeof url === 'string' && typeof port === 'number' && typeof token === 'string' ? { url, port, token } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the file only while it still names this server: a newer server may have replaced it.
 * Two servers may share a workspace (`orch run` with its dashboard, and `orch serve`): when the
 * later one stops, the file names the earlier one again if it still answers.
 */
export async function removeDashboardFile(file: string, token: string, previous?: DashboardFile): Promise<void> {
  try {
    const current = JSON.parse(await readFile(file, 'utf8')) as Partial<DashboardFile>;
    if (current.token !== token) return;
    if (previous !== undefined && previous.token !== token && (await dashboardAnswers(previous.url, previous.token))) {
      await writeDashboardFile(file, previous);
      return;
    }
    await rm(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
