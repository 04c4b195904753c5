import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertPorts } from './alert-dispatcher';

/** One try may take this long before it counts as failed. */
const POST_TIMEOUT_MS = 10_000;

export const httpAlertPorts: AlertPorts = {
  async post(url, body, signal) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'orch-alerts' },
        body,
        redirect: 'error',
        signal: AbortSignal.any([signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
      });
      // The body is not read: drop it so the connection is freed.
      await response.body?.cancel().catch(() => undefined);
      return response.ok ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, error: cause?.code ?? cause?.message ?? (error as Error).message };
    }
  },
  async sleep(ms, signal) {
    await sleep(ms, undefined, { signal });
  },
};
