// One error type for bad input, so every adapter can print "file:line: message" and map it
// to exit code 2 without string matching.

export interface ErrorLocation {
  readonly file: string;
  readonly line?: number;
}

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly hint: string | undefined;

  constructor(message: string, where?: ErrorLocation, hint?: string) {
    super(message);
    this.file = where?.file;
    this.line = where?.line;
    this.hint = hint;
  }

  /** `file:line: message` (with the hint after it), the format editors and terminals link. */
  format(): string {
    const at = this.file === undefined ? '' : this.line === undefined ? `${this.file}: ` : `${this.file}:${this.line}: `;
    return `${at}${this.message}${this.hint === undefined ? '' : ` (${this.hint})`}`;
  }
}

/** Several input errors found in one pass: reported together so the user fixes them at once. */
export class InputErrors extends Error {
  override readonly name = 'InputErrors';
  readonly errors: readonly InputError[];

  constructor(errors: readonly InputError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.errors = errors;
  }
}
