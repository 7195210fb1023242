/** Bad usage: printed as one line and exit 2; `command` names the help that explains it (null: the message says it all). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string | null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
