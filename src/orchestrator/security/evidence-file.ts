import { appendFile, writeFile } from 'node:fs/promises';
import { redactor, secretsOf, type Redact } from './redact-secrets';

// Checks and dev servers run with Orch's environment, so what they print may hold its keys.
let processRedact: Redact | undefined;

function redactProcessSecrets(text: string): string {
  processRedact ??= redactor(secretsOf(process.env));
  return processRedact(text);
}

/**
 * Writes an evidence file readable by its owner only, with secrets replaced by their names: the run's
 * own redaction (its environment and the variables config `redact` names), else Orch's environment.
 */
export async function writeEvidence(path: string, text: string, redact: Redact = redactProcessSecrets): Promise<void> {
  await writeFile(path, redact(text), { mode: 0o600 });
}

/** Adds to an evidence file (created owner-only), secrets redacted as in `writeEvidence`. */
export async function appendEvidence(path: string, text: string, redact: Redact = redactProcessSecrets): Promise<void> {
  await appendFile(path, redact(text), { mode: 0o600 });
}
