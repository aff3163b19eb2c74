import { assertValidUsername, isValidUsername, USERNAME_PATTERN } from './username';
import { refusal } from './testing';

describe('usernames', () => {
  it.each(['alice', '_svc', 'a', 'bob-smith', 'user_1', 'x'.repeat(32), 'a-', '_'])('accepts %j', (name) => {
    expect(isValidUsername(name)).toBe(true);
    expect(() => assertValidUsername(name)).not.toThrow();
  });

  it.each([
    ['shell injection', 'a;rm -rf /'],
    ['a path', '../etc'],
    ['an option', '-o'],
    ['a Cyrillic look-alike', 'аlice'],
    ['33 characters', 'x'.repeat(33)],
    ['empty', ''],
    ['uppercase', 'Alice'],
    ['a leading digit', '1alice'],
    ['a space', 'al ice'],
    ['a dot', 'al.ice'],
    ['a trailing newline', 'alice\n'],
    ['a NUL', 'alice\u0000'],
    ['a dollar (samba machine account)', 'host$'],
    ['fullwidth letters', 'ａlice'],
  ])('refuses %s', (_why, name) => {
    const error = refusal(() => assertValidUsername(name));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('username');
  });

  it('reports the field it was given', () => {
    expect(refusal(() => assertValidUsername('Root', 'owner')).field).toBe('owner');
  });

  it('is the pattern the design names', () => {
    expect(USERNAME_PATTERN.source).toBe('^[a-z_][a-z0-9_-]{0,31}$');
  });
});
