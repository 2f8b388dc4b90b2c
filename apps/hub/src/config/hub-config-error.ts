/** A problem meant for a person: one line on stderr, never a stack, and the exit code. */
export class HubConfigError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
