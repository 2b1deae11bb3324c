/** A mistake in how the CLI was called: exit code 2, with the message and a pointer to --help. */
export class UsageError extends Error {}
