/** An error meant for a person: printed as one line on stderr, never with a stack (unless `logged`: `run` already said it in its JSON log). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, readonly logged = false) {
    super(message);
  }
}

/** Turn Node's file errors into one clear sentence. */
export function describeFileError(path: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return new CliError(`cannot read ${path}: no such file`);
    case 'EACCES':
    case 'EPERM': return new CliError(`cannot read ${path}: permission denied`);
    case 'EISDIR': return new CliError(`cannot read ${path}: it is a directory`);
    default: return new CliError(`cannot read ${path}: ${(e as Error)?.message ?? String(e)}`);
  }
}
