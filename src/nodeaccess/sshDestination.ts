/* Kept apart from ssh.ts, which loads execa: the CLI's argument parser checks --ssh-user with it on every start. */

// A host name, an IPv4 or IPv6 address, or an ssh config alias: nothing ssh could read as an
// option (a leading `-`), a second user (`@`), a URI (`ssh://`), or a second word.
const safeDestination = /^[A-Za-z0-9_][A-Za-z0-9_.:%-]*$/;
const safeUser = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/**
 * Why a destination (taken from the API or from the alert text, so from whoever can write a
 * Node object) may not be handed to ssh, or undefined when it may.
 */
export function unsafeSshDestination(target: string, user?: string): string | undefined {
  if (user !== undefined && !safeUser.test(user)) return `ssh user ${JSON.stringify(user)} is not a plain user name`;
  if (target.startsWith('-')) return `${JSON.stringify(target)} starts with "-" and would be read by ssh as an option`;
  if (!safeDestination.test(target))
    return `${JSON.stringify(target)} is not a plain host name or address (letters, digits, . _ : % -)`;
  return undefined;
}
