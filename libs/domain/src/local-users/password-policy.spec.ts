import {
  assertStrongPassword,
  assertValidPasswordHash,
  isValidPasswordHash,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
} from './password-policy';
import { refusal } from './testing';
import { COMMON_WEAK_PASSWORDS } from './weak-passwords';

const crypt = (count: number): string => 'aZ09./'.repeat(20).slice(0, count);

describe('assertStrongPassword', () => {
  it.each(['correct-horse-battery', 'Tr0ub4dor&3-xyz', 'vélo-rouge-à-pédales', 'x'.repeat(11) + 'y'])(
    'accepts %j',
    (plain) => {
      expect(() => assertStrongPassword(plain)).not.toThrow();
    },
  );

  it.each([
    ['too short', 'Ab3$efgh1jk'],
    ['too long', 'ab'.repeat(MAX_PASSWORD_LENGTH / 2) + 'c'],
    ['empty', ''],
    ['a common long password', 'qwertyuiop123'],
    ['a common password in other case', 'PassWord1234'],
    ['a common word with digits and symbols appended', 'Password2024!'],
    ['a common word with a year appended', 'iloveyou1999'],
    ['one character repeated', 'aaaaaaaaaaaaaaaa'],
    ['one symbol repeated', '!!!!!!!!!!!!'],
    ['a newline', 'correct-horse\nbattery'],
    ['a carriage return', 'correct-horse\rbattery'],
    ['a NUL', 'correct-horse\u0000battery'],
  ])('refuses a password that is %s', (_why, plain) => {
    const error = refusal(() => assertStrongPassword(plain));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('password');
  });

  it('counts characters, not UTF-16 units, for the length', () => {
    expect(refusal(() => assertStrongPassword('😀😀😀😀😀😀')).message).toMatch(/characters/);
  });

  it('accepts the shortest and the longest allowed length', () => {
    expect(() => assertStrongPassword('k7#Qw9!zLm2$'.slice(0, MIN_PASSWORD_LENGTH))).not.toThrow();
    expect(() => assertStrongPassword('k7#Qw9!zLm2$'.repeat(30).slice(0, MAX_PASSWORD_LENGTH))).not.toThrow();
  });

  it('refuses the username as the password, also with digits appended', () => {
    expect(refusal(() => assertStrongPassword('maximilianus', 'password', 'maximilianus')).code).toBe(
      'invalid',
    );
    expect(refusal(() => assertStrongPassword('Maximilianus2024', 'password', 'maximilianus')).code).toBe(
      'invalid',
    );
    expect(() => assertStrongPassword('maximilianus', 'password', 'alice')).not.toThrow();
  });

  it('ships about a hundred common passwords, all lowercase', () => {
    expect(COMMON_WEAK_PASSWORDS.size).toBeGreaterThanOrEqual(100);
    expect([...COMMON_WEAK_PASSWORDS].every((plain) => plain === plain.toLowerCase())).toBe(true);
  });

  it('never repeats the password in its message', () => {
    const error = refusal(() => assertStrongPassword('Password2024!', 'new_password'));
    expect(error.message).not.toContain('Password2024!');
    expect(error.field).toBe('new_password');
  });
});

describe('assertValidPasswordHash', () => {
  it.each([
    ['SHA-512 crypt', `$6$${crypt(16)}$${crypt(86)}`],
    ['SHA-512 crypt with a short salt', `$6$a$${crypt(86)}`],
    ['SHA-512 crypt with rounds', `$6$rounds=656000$${crypt(8)}$${crypt(86)}`],
    ['SHA-256 crypt', `$5$${crypt(16)}$${crypt(43)}`],
    ['yescrypt', `$y$j9T$${crypt(22)}$${crypt(43)}`],
    [
      'a real SHA-512 crypt hash',
      '$6$rounds=5000$saltsalt$DGC/QMOfSJEk4cC1VJ6rPUd1wtuJQ4kB0/Bm1a2vEKyMH5zi1HLvM6CinP1uomPUEt1AjlzptgbBV/0s6hzqL0',
    ],
  ])('accepts %s', (_why, hash) => {
    expect(isValidPasswordHash(hash)).toBe(true);
    expect(() => assertValidPasswordHash(hash)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['a locked marker', '!'],
    ['a disabled marker', '*'],
    ['a locked hash', `!$6$${crypt(16)}$${crypt(86)}`],
    ['MD5 crypt', `$1$${crypt(8)}$${crypt(22)}`],
    ['DES crypt', 'abJnggxhB/yWI'],
    ['bcrypt', `$2b$12$${crypt(53)}`],
    ['a plain password', 'correct-horse-battery'],
    ['a SHA-512 digest one character short', `$6$${crypt(16)}$${crypt(85)}`],
    ['a SHA-512 digest one character long', `$6$${crypt(16)}$${crypt(87)}`],
    ['a SHA-256 digest of SHA-512 length', `$5$${crypt(16)}$${crypt(86)}`],
    ['a salt over 16 characters', `$6$${crypt(17)}$${crypt(86)}`],
    ['an empty salt', `$6$$${crypt(86)}`],
    ['too few rounds', `$6$rounds=999$${crypt(8)}$${crypt(86)}`],
    ['rounds with a leading zero', `$6$rounds=05000$${crypt(8)}$${crypt(86)}`],
    ['a colon (shadow field separator)', `$6$${crypt(15)}:$${crypt(86)}`],
    ['a trailing newline', `$6$${crypt(16)}$${crypt(86)}\n`],
    ['a newline inside', `$6$${crypt(8)}\n$${crypt(86)}`],
    ['yescrypt with a short hash', `$y$j9T$${crypt(22)}$${crypt(42)}`],
    ['yescrypt without parameters', `$y$$${crypt(22)}$${crypt(43)}`],
    ['a character outside the crypt alphabet', `$6$${crypt(16)}$${crypt(85)}+`],
  ])('refuses %s', (_why, hash) => {
    const error = refusal(() => assertValidPasswordHash(hash));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('password_hash');
  });
});
