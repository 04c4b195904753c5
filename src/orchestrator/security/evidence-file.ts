import { appendFile, writeFile } from 'node:fs/promises';
import { redactor, secretsOf, type Redact } from './redact-secrets';

// Checks and dev servers run with Orch's environment, so what they print may hold its keys.
let processRedact: Redact | undefined;

function redactProcessSecrets(text: string): string {
  processRedact ??= redactor(secretsOf(process.env));
  return processRedact(text);
}

/**
 * Writes an evidence file readable by its owner only, with the secrets of Orch's environment
 * replaced by their names.
 */
export async function writeEvidence(path: string, text: string): Promise<void> {
  await writeFile(path, redactProcessSecrets(text), { mode: 0o600 });
}

/** Adds to an evidence file (created owner-only), secrets redacted as in `writeEvidence`. */
export async function appendEvidence(path: string, text: string): Promise<void> {
  await appendFile(path, redactProcessSecrets(text), { mode: 0o600 });
}
