import { InputError, InputErrors } from '../orchestrator/errors';

/** One line for a notification: located input errors keep their file:line. */
export function describeError(error: unknown): string {
  if (error instanceof InputError) return error.format();
  if (error instanceof InputErrors) return error.errors.map((e) => e.format()).join('; ');
  return error instanceof Error ? error.message : String(error);
}
