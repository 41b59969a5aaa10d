/** A mistake in how `frs` was called: exit code 2, with a pointer to the command's help. */
import { FrsError } from '../errors.js';

export class UsageError extends FrsError {
  constructor(
    message: string,
    /** The command whose help to point at ("" for the general help). */
    readonly command = '',
  ) {
    super('INVALID_INPUT', message);
    this.name = 'UsageError';
  }
}
