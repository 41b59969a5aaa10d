/**
 * One error type for everything FRS reports to a user: a stable machine code plus a
 * message that says what was wrong and, where it helps, what to do about it.
 */
export type FrsErrorCode =
  | 'EMPTY_FILE'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFIG_INVALID'
  | 'MODEL_INVALID'
  | 'DATABASE_ERROR'
  | 'STORAGE_ERROR'
  | 'LOCKED'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export class FrsError extends Error {
  constructor(
    readonly code: FrsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FrsError';
  }

  toJSON(): { code: FrsErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into an FrsError, keeping FrsErrors as they are. */
export function asFrsError(err: unknown, fallback: FrsErrorCode = 'INTERNAL'): FrsError {
  if (err instanceof FrsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FrsError(fallback, message, { cause: err });
}
