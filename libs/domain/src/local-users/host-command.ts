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

export type HostOutcome =
  | { commandId: string; hostId: string; username: string; revision: string; status: 'applied' }
  | {
      commandId: string;
      hostId: string;
      username: string;
      revision: string;
      status: 'failed';
      /** The tool that failed, e.g. `useradd`. */
      tool: string;
      exitCode: number | null;
      /** What the tool said (stderr, trimmed and bounded); never contains a password or hash. */
      message: string;
    };

export interface InventoryAccount {
  username: string;
  uid: number;
  gid: number;
  shell: string;
  home: string;
  groups: string[];
}

export interface HostInventory {
  hostId: string;
  /** ISO time the agent read the files. */
  takenAt: string;
  accounts: InventoryAccount[];
}
