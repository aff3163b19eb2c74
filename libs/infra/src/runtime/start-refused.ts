/**
 * A start that cannot go on for a reason the operator can fix (a folder or a port in use): the
 * entry point prints its message as one line and exits with status 1, without a stack trace.
 */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}
