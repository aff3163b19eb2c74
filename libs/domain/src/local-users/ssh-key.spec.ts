import { parseKey } from 'sshpk';
import { MAX_SSH_KEY_TEXT_BYTES, parseSshKey } from './ssh-key';
import { opensshPublicKey, refusal, type TestKeyKind } from './testing';

const keys: Record<TestKeyKind, string> = {
  ed25519: opensshPublicKey('ed25519'),
  p256: opensshPublicKey('p256'),
  p384: opensshPublicKey('p384'),
  p521: opensshPublicKey('p521'),
  rsa2048: opensshPublicKey('rsa2048'),
  rsa3072: opensshPublicKey('rsa3072'),
  dsa: opensshPublicKey('dsa'),
};
const base64Of = (key: string): string => key.split(' ')[1];

describe('parseSshKey', () => {
  it.each([
    ['ed25519', 'ssh-ed25519', 256],
    ['p256', 'ecdsa-sha2-nistp256', 256],
    ['p384', 'ecdsa-sha2-nistp384', 384],
    ['p521', 'ecdsa-sha2-nistp521', 521],
    ['rsa3072', 'ssh-rsa', 3072],
  ] as const)('accepts a %s key', (kind, type, bits) => {
    const record = parseSshKey(`${keys[kind]} alice@laptop`);
    expect(record).toEqual({
      type,
      bits,
      fingerprint: parseKey(keys[kind], 'ssh').fingerprint('sha256').toString(),
      comment: 'alice@laptop',
      options: '',
      line: `${keys[kind]} alice@laptop`,
    });
    expect(record.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('accepts a key without a comment', () => {
    const record = parseSshKey(keys.ed25519);
    expect(record.comment).toBe('');
    expect(record.line).toBe(keys.ed25519);
  });

  it('keeps a comment with blanks and normalizes the blanks between fields', () => {
    const record = parseSshKey(`  ${keys.ed25519.replace(' ', '\t  ')}   Alice Smith (laptop)  `);
    expect(record.comment).toBe('Alice Smith (laptop)');
    expect(record.line).toBe(`${keys.ed25519} Alice Smith (laptop)`);
  });

  it('tolerates the single trailing newline of a .pub file', () => {
    expect(parseSshKey(`${keys.ed25519} a@b\n`).line).toBe(`${keys.ed25519} a@b`);
  });

  it('keeps options, including quoted values with commas, blanks and escaped quotes', () => {
    const options = 'no-pty,from="10.0.0.0/8,192.168.1.0/24",command="echo \\"hi, there\\"",restrict';
    const record = parseSshKey(`${options} ${keys.ed25519} ops key`);
    expect(record.options).toBe(options);
    expect(record.comment).toBe('ops key');
    expect(record.line).toBe(`${options} ${keys.ed25519} ops key`);
  });

  it('lowercases option names as sshd compares them case-insensitively', () => {
    expect(parseSshKey(`No-PTY,From="10.0.0.1" ${keys.ed25519}`).options).toBe('no-pty,from="10.0.0.1"');
  });

  it('gives the same fingerprint for the same key whatever its options and comment', () => {
    const plain = parseSshKey(keys.p256);
    const decorated = parseSshKey(`no-pty ${keys.p256} other comment`);
    expect(decorated.fingerprint).toBe(plain.fingerprint);
  });

  it('gives different keys different fingerprints', () => {
    expect(parseSshKey(keys.ed25519).fingerprint).not.toBe(
      parseSshKey(opensshPublicKey('ed25519')).fingerprint,
    );
  });

  it.each([
    ['a DSA key', () => keys.dsa],
    ['a 2048-bit RSA key', () => keys.rsa2048],
    ['garbage', () => 'not a key at all'],
    ['an empty text', () => ''],
    ['blanks only', () => ' \n '],
    ['a type without key data', () => 'ssh-ed25519'],
    ['key data that is not base64', () => 'ssh-ed25519 AAAA!!!!'],
    ['key data of another type', () => `ssh-rsa ${base64Of(keys.ed25519)}`],
    ['a curve that does not match the type', () => `ecdsa-sha2-nistp384 ${base64Of(keys.p256)}`],
    ['truncated key data', () => `ssh-ed25519 ${base64Of(keys.ed25519).slice(0, 40)}`],
    ['key data with bytes appended', () => `ssh-ed25519 ${base64Of(keys.ed25519)}AAAA`],
    ['a certificate type', () => `ssh-ed25519-cert-v01@openssh.com ${base64Of(keys.ed25519)}`],
    ['a FIDO key type', () => `sk-ssh-ed25519@openssh.com ${base64Of(keys.ed25519)}`],
    ['two keys on two lines', () => `${keys.ed25519} a\n${keys.p256} b`],
    ['a carriage return inside', () => `${keys.ed25519} a\rb`],
    ['a NUL in the comment', () => `${keys.ed25519} a\u0000b`],
    ['a newline inside an option value', () => `command="ls\nrm" ${keys.ed25519}`],
    ['a NUL inside an option value', () => `command="ls\u0000" ${keys.ed25519}`],
    ['an unterminated option value', () => `command="ls ${keys.ed25519}`],
    ['an unknown option', () => `no-such-option ${keys.ed25519}`],
    ['a flag option with a value', () => `no-pty="yes" ${keys.ed25519}`],
    ['a value option without a value', () => `command ${keys.ed25519}`],
    ['an unquoted option value', () => `from=10.0.0.1 ${keys.ed25519}`],
    ['an empty option', () => `no-pty,,restrict ${keys.ed25519}`],
    ['a trailing comma in the options', () => `no-pty, ${keys.ed25519}`],
    ['the cert-authority option', () => `cert-authority ${keys.ed25519}`],
    ['options without a key', () => 'no-pty'],
    ['a text over 16 KiB', () => `${keys.ed25519} ${'x'.repeat(MAX_SSH_KEY_TEXT_BYTES)}`],
  ])('refuses %s', (_why, text) => {
    const error = refusal(() => parseSshKey(text()));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('ssh_key');
  });

  it('refuses an ECDSA blob whose inner curve contradicts its type', () => {
    const blob = Buffer.from(base64Of(keys.p256), 'base64');
    const name = Buffer.from('ecdsa-sha2-nistp384');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    const forged = Buffer.concat([length, name, blob.subarray(4 + blob.readUInt32BE(0))]).toString('base64');
    const error = refusal(() => parseSshKey(`ecdsa-sha2-nistp384 ${forged}`));
    expect(error.code).toBe('invalid');
  });

  it('refuses a private key without repeating it', () => {
    const secret =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const error = refusal(() => parseSshKey(secret));
    expect(error.message).toMatch(/private key/);
    expect(error.message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('accepts a key whose text is exactly at the size limit', () => {
    const padding = MAX_SSH_KEY_TEXT_BYTES - keys.ed25519.length - 1;
    expect(parseSshKey(`${keys.ed25519} ${'x'.repeat(padding)}`).comment).toHaveLength(padding);
  });

  it('names the field it was given, e.g. one key of a list', () => {
    expect(refusal(() => parseSshKey(keys.dsa, 'ssh_keys.2')).field).toBe('ssh_keys.2');
  });
});
