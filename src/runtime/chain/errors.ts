// A chain file that cannot be used (not a chain, unreadable, broken beyond its last line): the CLI
// answers it with one sentence and exit 2, never as an internal error.
export class ChainFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainFileError';
  }
}
