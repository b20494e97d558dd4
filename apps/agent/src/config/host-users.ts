import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { HostUser } from './agent-config';

/** `root:x:0:0:root:/root:/bin/bash` → the account; null for a line that is not one. */
export function parsePasswdLine(line: string): HostUser | null {
  const fields = line.trim().split(':');
  if (fields.length < 7 || !/^\d+$/.test(fields[2]!) || !/^\d+$/.test(fields[3]!)) return null;
  return { name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5]!, shell: fields[6]! };
}

/**
 * A user by name or uid. `getent` asks the host's name service (so LDAP and systemd users are
 * found too); where it is missing (a minimal image), /etc/passwd is read.
 */
export function lookupUser(nameOrUid: string): HostUser | null {
  try {
    return parsePasswdLine(execFileSync('getent', ['passwd', nameOrUid], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch (error) {
    // getent exits 2 for "no such user": that is an answer, not a missing tool.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  const byName = (user: HostUser) => user.name === nameOrUid || String(user.uid) === nameOrUid;
  return readFileSync('/etc/passwd', 'utf8').split('\n').map(parsePasswdLine).find((user): user is HostUser => user !== null && byName(user)) ?? null;
}

/** The user the agent runs as. */
export function currentUser(): HostUser {
  const me = os.userInfo();
  return { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir, shell: me.shell ?? '/bin/sh' };
}
