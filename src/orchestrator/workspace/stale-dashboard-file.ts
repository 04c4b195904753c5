import { readFile, rm } from 'node:fs/promises';

/**
 * A killed Orch leaves `.orch/dashboard.json` naming a server that is gone, and whoever reads it
 * would try a dead port (or, later, another program's). Removed unless its server still answers
 * with its token.
 */
export async function removeStaleDashboardFile(file: string, timeoutMs = 1_000): Promise<boolean> {
  let contents: { url?: unknown; token?: unknown };
  try {
    contents = JSON.parse(await readFile(file, 'utf8')) as { url?: unknown; token?: unknown };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    await rm(file, { force: true });
    return true;
  }
  if (typeof contents.url === 'string' && typeof contents.token === 'string' && (await dashboardAnswers(contents.url, contents.token, timeoutMs))) return false;
  await rm(file, { force: true });
  return true;
}

/** Whether a dashboard server still serves `url` with `token`. */
export async function dashboardAnswers(url: string, token: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const reply = await fetch(new URL('/api/runs', url), { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    return reply.status === 200;
  } catch {
    return false;
  }
}
