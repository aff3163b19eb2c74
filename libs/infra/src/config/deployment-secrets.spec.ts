import { randomBytes } from 'node:crypto';
import { ConfigError } from './app-config';
import { deploymentSecretProblems, loadDistributedConfig } from './deployment-secrets';

const ring = (id: string, key: Buffer) => `${id}:${key.toString('base64')}`;
const randomRing = (id: string) => ring(id, randomBytes(32));
const ALL_ZERO = 'compose-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

describe('secrets of a distributed deployment', () => {
  it('accepts generated keys and a generated JWT secret', () => {
    expect(
      deploymentSecretProblems({
        SECRETS_KEYS: `${randomRing('s-2')},${randomRing('s-1')}`,
        KEK_KEYS: randomRing('k-1'),
        JWT_SECRET: randomBytes(32).toString('hex'),
      }),
    ).toStrictEqual([]);
  });

  it('accepts what it is not given: the processes then generate their own', () => {
    expect(deploymentSecretProblems({})).toStrictEqual([]);
  });

  it.each([
    ['the compose file’s old all-zero default', ALL_ZERO],
    ['one repeated byte', ring('k', Buffer.alloc(32, 0xff))],
    ['a short pattern', ring('k', Buffer.from('0123456789'.repeat(4).slice(0, 32)))],
    ['a word', ring('k', Buffer.from('changemechangemechangemechangeme'))],
  ])('refuses %s as a SECRETS_KEYS or KEK_KEYS key', (_case, placeholder) => {
    const id = placeholder.slice(0, placeholder.indexOf(':'));
    const message = `is a placeholder (all zero, one repeated byte or a pattern); generate one with \`openssl rand -base64 32\``;
    expect(deploymentSecretProblems({ SECRETS_KEYS: `${randomRing('new')},${placeholder}` })).toStrictEqual([
      `SECRETS_KEYS: key ${id} ${message}`,
    ]);
    expect(deploymentSecretProblems({ KEK_KEYS: placeholder })).toStrictEqual([
      `KEK_KEYS: key ${id} ${message}`,
    ]);
  });

  it('refuses one key serving both rings', () => {
    const key = randomRing('both');
    expect(deploymentSecretProblems({ SECRETS_KEYS: key, KEK_KEYS: key })).toStrictEqual([
      'KEK_KEYS: reuses a key of SECRETS_KEYS; give each ring its own keys',
    ]);
  });

  it.each([
    ['change-me-to-a-long-random-string-please', 'changeme'],
    ['my-super-SECRET-jwt-key-for-production-use', 'secret'],
    ['REPLACE_ME_REPLACE_ME_REPLACE_ME_1234', 'replaceme'],
  ])('refuses the placeholder JWT_SECRET %s', (secret, word) => {
    expect(deploymentSecretProblems({ JWT_SECRET: secret })).toStrictEqual([
      `JWT_SECRET: looks like a placeholder (it contains "${word}"); generate one with \`openssl rand -base64 32\``,
    ]);
  });

  it('refuses a JWT_SECRET long enough but with next to no variety', () => {
    expect(deploymentSecretProblems({ JWT_SECRET: 'abab'.repeat(10) })).toStrictEqual([
      'JWT_SECRET: too weak (fewer than 8 distinct characters); generate one with `openssl rand -base64 32`',
    ]);
  });

  it('stops the distributed configuration with a ConfigError that quotes no secret', () => {
    const secret = 'changeme'.repeat(5);
    const load = () => loadDistributedConfig({ SECRETS_KEYS: ALL_ZERO, JWT_SECRET: secret });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /SECRETS_KEYS: key compose-1 is a placeholder[\s\S]*JWT_SECRET: looks like a placeholder/,
    );
    expect(() => load()).not.toThrow(secret);
  });
});
