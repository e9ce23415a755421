/**
 * t2a's one error type. `kind` decides the exit code (in cli/exit-codes.ts only); `message` says what is
 * wrong and `fix` what a DHIS2 administrator can do about it; `details` keeps the raw facts (a DHIS2
 * error body, a file path) for the log and for `--json`.
 */
export type T2aErrorKind =
  | 'config'
  | 'usage'
  | 'connection'
  | 'auth'
  | 'dhis2'
  | 'mapping'
  | 'validation'
  | 'busy'
  | 'aborted'
  | 'internal';

export class T2aError extends Error {
  readonly kind: T2aErrorKind;
  readonly fix: string | undefined;
  readonly details: unknown;
  /** The HTTP status of the DHIS2 answer the error is about, if it is about one. */
  readonly httpStatus: number | undefined;

  constructor(
    kind: T2aErrorKind,
    message: string,
    options: {
      fix?: string | undefined;
      details?: unknown;
      cause?: unknown;
      httpStatus?: number | undefined;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'T2aError';
    this.kind = kind;
    this.fix = options.fix;
    this.details = options.details;
    this.httpStatus = options.httpStatus;
  }
}

export function isT2aError(error: unknown): error is T2aError {
  return error instanceof T2aError;
}
