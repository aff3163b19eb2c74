/**
 * The contract between the control plane and a host agent. A command carries the whole desired
 * state of one account at one revision of its stream, not a diff: applying it twice, or after a
 * newer one was lost, converges to the same files, which is what makes redelivery harmless.
 */

export interface DesiredSshKey {
  /** The key line as given, options and comment included, e.g. `no-pty ssh-ed25519 AAAA… alice@laptop`. */
  line: string;
  /** `SHA256:…`, the key's identity. */
  fingerprint: string;
}

export interface DesiredPresentUser {
  present: true;
  shell: string;
  fullName: string;
  /** Supplementary groups, sudo's group not included (see `sudo`). */
  groups: string[];
  sudo: boolean;
  /** crypt(3) hash, encrypted for transport and rest (see EncryptedSecret); absent: no password (login by key). */
  passwordHash: EncryptedSecret | null;
  /** The account cannot log in with its password (`usermod -L`). */
  locked: boolean;
  /** `YYYY-MM-DD` after which the account expires, or null for never. */
  expiresOn: string | null;
  /** The user must choose a new password at next login (last change day 0). */
  forcePasswordChange: boolean;
  sshKeys: DesiredSshKey[];
  /** The admin adopted an account the platform did not create; absent: the agent touches only its own. */
  adopt?: boolean;
}

export interface DesiredAbsentUser {
  present: false;
  removeHome: boolean;
}

export type DesiredLocalUser = DesiredPresentUser | DesiredAbsentUser;

/** AES-256-GCM ciphertext with the id of the key that sealed it (so keys can rotate). */
export interface EncryptedSecret {
  keyId: string;
  /** base64url of iv ‖ ciphertext ‖ tag. */
  sealed: string;
}

/** An Ed25519 signature (base64url) and the id of the key that made it, so keys can rotate. */
export interface TrustSignature {
  keyId: string;
  value: string;
}

export interface HostCommand {
  /** The id of the event that asked for this state; outcomes refer to it. */
  commandId: string;
  hostId: string;
  username: string;
  /** Stream revision the desired state was taken at: an agent never applies an older one after a newer. */
  revision: string;
  desired: DesiredLocalUser;
  /**
   * The control plane's signature over the ids above and a hash of `desired`; an agent applies
   * nothing without a valid one.
   */
  signature?: TrustSignature;
}

/**
 * The parts of an account the agent converges one at a time, so that one it cannot apply (a group the
 * host lacks) never keeps another (a sudo revoke, a lock) from reaching the host.
 */
export const HOST_FIELDS = [
  'account',
  'locked',
  'password',
  'expiry',
  'sudo',
  'groups',
  'ssh_keys',
  'shell',
  'full_name',
  'force_password_change',
] as const;
export type HostField = (typeof HOST_FIELDS)[number];

/** What became of one field; a failure says why in the same terms as the outcome. */
export type FieldOutcome =
  | { field: HostField; status: 'applied' }
  | { field: HostField; status: 'failed'; tool: string; exitCode: number | null; message: string };

export type HostOutcome =
  | { commandId: string; hostId: string; username: string; revision: string; status: 'applied' }
  | {
      commandId: string;
      hostId: string;
      username: string;
      revision: string;
      status: 'failed';
      /** The first failure's tool, e.g. `useradd`. */
      tool: string;
      exitCode: number | null;
      /** What the tool said (stderr, trimmed and bounded); never contains a password or hash. */
      message: string;
      /**
       * Each field the agent worked on, applied or failed, in the order it ran them; absent from agents
       * that applied a command as a whole, and when the command was refused before any field ran.
       */
      fields?: FieldOutcome[];
    };

/**
 * Why a host change failed, in one line a person can act on: each field that failed with what its
 * tool said, then the fields that applied all the same.
 */
export function describeHostFailure(failure: {
  tool: string;
  message: string;
  fields?: readonly FieldOutcome[];
}): string {
  const fields = failure.fields ?? [];
  const failed = fields.flatMap((field) =>
    field.status === 'failed' ? [`${field.field}: ${field.message || `${field.tool} failed`}`] : [],
  );
  if (failed.length === 0) return failure.message || `${failure.tool} failed`;
  const applied = fields.filter((field) => field.status === 'applied').map((field) => field.field);
  return `${failed.join('; ')}${applied.length > 0 ? ` (applied: ${applied.join(', ')})` : ''}`;
}

export interface InventoryAccount {
  username: string;
  uid: number;
  gid: number;
  shell: string;
  home: string;
  groups: string[];
  /**
   * The user must choose a new password at next login (shadow's last change is day 0). Absent from
   * agents that did not report it.
   */
  passwordChangeForced?: boolean;
}

export interface HostInventory {
  hostId: string;
  /** ISO time the agent read the files. */
  takenAt: string;
  accounts: InventoryAccount[];
  /** Every group in the host's /etc/group; absent from agents that did not report it. */
  groups?: string[];
  /** The login shells /etc/shells lists; absent when the host has no such file or the agent did not say. */
  shells?: string[];
}
