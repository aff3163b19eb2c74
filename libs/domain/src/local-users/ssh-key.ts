import { parseKey, type Key } from 'sshpk';
import { DomainError } from '../shared/domain-error';
import type { SshKeyRecord } from './local-user.events';

/** Far above any real public key (a 16384-bit RSA key is ~2.8 KiB); bounds the work on hostile input. */
export const MAX_SSH_KEY_TEXT_BYTES = 16 * 1024;
export const MIN_RSA_BITS = 3072;

interface AcceptedType {
  readonly sshpkType: string;
  readonly curve?: string;
  readonly minBits: number;
}

/** DSA is broken, RSA below 3072 bits is below current guidance; certificates and FIDO keys are not offered. */
const ACCEPTED_TYPES: ReadonlyMap<string, AcceptedType> = new Map<string, AcceptedType>([
  ['ssh-ed25519', { sshpkType: 'ed25519', minBits: 0 }],
  ['ecdsa-sha2-nistp256', { sshpkType: 'ecdsa', curve: 'nistp256', minBits: 0 }],
  ['ecdsa-sha2-nistp384', { sshpkType: 'ecdsa', curve: 'nistp384', minBits: 0 }],
  ['ecdsa-sha2-nistp521', { sshpkType: 'ecdsa', curve: 'nistp521', minBits: 0 }],
  ['ssh-rsa', { sshpkType: 'rsa', minBits: MIN_RSA_BITS }],
]);

/** A first field shaped like this is a key type, never an option (as sshd decides it too). */
const KEY_TYPE_LIKE = /^(?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Control characters would split the authorized_keys line or hide part of it from a reviewer. */
const CONTROL = /(?!\t)\p{Cc}/u;
const SEPARATOR = /[ \t]+/;
/** type, base64 and the comment, which may itself hold blanks. */
const KEY_FIELDS = /^([^ \t]+)(?:[ \t]+([^ \t]+))?(?:[ \t]+(.*))?$/;

/** sshd refuses a line with an option it does not know, so an unknown option would lock the user out. */
const FLAG_OPTIONS: ReadonlySet<string> = new Set([
  'restrict',
  'port-forwarding',
  'no-port-forwarding',
  'agent-forwarding',
  'no-agent-forwarding',
  'x11-forwarding',
  'no-x11-forwarding',
  'pty',
  'no-pty',
  'user-rc',
  'no-user-rc',
  'touch-required',
  'no-touch-required',
  'verify-required',
]);
const VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'command',
  'environment',
  'expiry-time',
  'from',
  'permitlisten',
  'permitopen',
  'principals',
  'tunnel',
]);
/**
 * `cert-authority` would turn the key into a CA that vouches for certificates the platform never
 * sees, so the fingerprint would no longer identify who can log in.
 */
const REFUSED_OPTIONS: ReadonlySet<string> = new Set(['cert-authority']);

/**
 * Parses one authorized_keys line (`[options] type base64 [comment]`) and accepts only strong key
 * types. Error messages never repeat the input: a pasted private key must not reach a log.
 */
export function parseSshKey(text: string, field = 'ssh_key'): SshKeyRecord {
  const refuse = (reason: string): DomainError => new DomainError('invalid', `${field} ${reason}`, field);

  if (Buffer.byteLength(text, 'utf8') > MAX_SSH_KEY_TEXT_BYTES) {
    throw refuse(`must be at most ${MAX_SSH_KEY_TEXT_BYTES} bytes`);
  }
  if (text.includes('PRIVATE KEY')) {
    throw refuse('looks like a private key: give the public key (the .pub file) only');
  }
  // A key pasted from `cat id_ed25519.pub` ends with one newline; any other line break is refused below.
  const trimmed = text.trim();
  if (trimmed.length === 0) throw refuse('is empty');
  if (CONTROL.test(trimmed)) throw refuse('must be a single line without control characters');

  const { options, rest } = splitOptions(trimmed, refuse);
  const [, type = '', base64 = '', comment = ''] = KEY_FIELDS.exec(rest) ?? [];
  const accepted = ACCEPTED_TYPES.get(type);
  if (!accepted) {
    throw refuse(`must be of type ${[...ACCEPTED_TYPES.keys()].join(', ')}`);
  }
  if (!isCanonicalBase64(base64)) throw refuse('has no valid base64 key data');

  const key = parsePublicKey(type, base64, refuse);
  if (key.type !== accepted.sshpkType || (accepted.curve !== undefined && key.curve !== accepted.curve)) {
    throw refuse(`key data does not match its type ${type}`);
  }
  if (key.size < accepted.minBits) {
    throw refuse(`${type} keys must have at least ${accepted.minBits} bits`);
  }
  return {
    type,
    bits: key.size,
    fingerprint: key.fingerprint('sha256').toString(),
    comment,
    options,
    line: [options, type, base64, comment].filter((part) => part.length > 0).join(' '),
  };
}

function isCanonicalBase64(value: string): boolean {
  return (
    BASE64.test(value) && value.length % 4 === 0 && Buffer.from(value, 'base64').toString('base64') === value
  );
}

function parsePublicKey(type: string, base64: string, refuse: (reason: string) => DomainError): Key {
  const blob = Buffer.from(base64, 'base64');
  // The blob names its own type first; sshd refuses a line whose two names disagree.
  if (blob.length < 4 || blob.toString('latin1', 4, 4 + blob.readUInt32BE(0)) !== type) {
    throw refuse(`key data does not match its type ${type}`);
  }
  try {
    // rfc4253 is sshpk's strict reader: it refuses trailing bytes, unlike its lenient `ssh` line reader.
    return parseKey(blob, 'rfc4253');
  } catch {
    throw refuse('has key data that is not a valid public key');
  }
}

/**
 * Splits leading options off the line the way sshd reads them: comma-separated `name` or
 * `name="value"`, where a quoted value may hold commas, spaces and `\"`, and the list ends at the
 * first unquoted blank. Returns the options re-serialized with lowercase names.
 */
function splitOptions(
  line: string,
  refuse: (reason: string) => DomainError,
): { options: string; rest: string } {
  const firstField = line.split(SEPARATOR, 1)[0];
  if (KEY_TYPE_LIKE.test(firstField)) return { options: '', rest: line };

  const parsed: string[] = [];
  let at = 0;
  for (;;) {
    const name = /^[A-Za-z0-9-]+/.exec(line.slice(at))?.[0];
    if (name === undefined) throw refuse('has malformed options');
    const lowerName = name.toLowerCase();
    at += name.length;
    if (line[at] === '=') {
      if (!VALUE_OPTIONS.has(lowerName)) throw refuse(optionRefusal(lowerName));
      const value = readQuoted(line, at + 1);
      if (value === null) throw refuse(`has an unterminated value for the option ${lowerName}`);
      parsed.push(`${lowerName}="${value}"`);
      at += value.length + 3;
    } else {
      if (!FLAG_OPTIONS.has(lowerName)) throw refuse(optionRefusal(lowerName));
      parsed.push(lowerName);
    }
    if (line[at] === ',') {
      at += 1;
      continue;
    }
    if (line[at] === ' ' || line[at] === '\t') break;
    throw refuse('has malformed options');
  }
  return { options: parsed.join(','), rest: line.slice(at).trim() };
}

function optionRefusal(name: string): string {
  if (REFUSED_OPTIONS.has(name)) return `must not use the option ${name}`;
  if (VALUE_OPTIONS.has(name)) return `needs a quoted value for the option ${name}`;
  if (FLAG_OPTIONS.has(name)) return `must not give a value to the option ${name}`;
  return `has an option sshd does not know: ${name}`;
}

/** Reads `"…"` starting at `from`; returns the raw text between the quotes, or null when unterminated. */
function readQuoted(line: string, from: number): string | null {
  if (line[from] !== '"') return null;
  for (let at = from + 1; at < line.length; at += 1) {
    if (line[at] === '\\' && line[at + 1] === '"') {
      at += 1;
    } else if (line[at] === '"') {
      return line.slice(from + 1, at);
    }
  }
  return null;
}
