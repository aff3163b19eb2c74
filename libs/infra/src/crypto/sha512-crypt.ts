import { createHash, randomInt } from 'node:crypto';

/**
 * SHA-512 crypt (`$6$`, Drepper's SHA-crypt as glibc and shadow-utils implement it), over node:crypto.
 * The npm packages for it are unmaintained pure-JS ports; the algorithm is short and fixed, and the
 * tests pin it to `openssl passwd -6` byte for byte.
 */

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
const SALT_LENGTH = 16;

/** The order in which glibc packs the 64 digest bytes into base64 characters, three at a time. */
const BYTE_GROUPS: readonly [number, number, number][] = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

function sha512(...parts: Buffer[]): Buffer {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `source` repeated, then cut to `length` bytes. */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += source.length) source.copy(out, offset, 0, length - offset);
  return out;
}

function encode(value: number, characters: number): string {
  let out = '';
  for (let index = 0; index < characters; index++) {
    out += ALPHABET[value & 0x3f];
    value >>= 6;
  }
  return out;
}

function digest(password: Buffer, salt: Buffer, rounds: number): Buffer {
  const alternate = sha512(password, salt, password);
  const initial = createHash('sha512').update(password).update(salt);
  initial.update(stretch(alternate, password.length));
  for (let length = password.length; length > 0; length >>= 1)
    initial.update(length & 1 ? alternate : password);
  let current = initial.digest();

  const passwordBytes = stretch(sha512(...Array<Buffer>(password.length).fill(password)), password.length);
  const saltBytes = stretch(sha512(...Array<Buffer>(16 + current[0]).fill(salt)), salt.length);

  for (let round = 0; round < rounds; round++) {
    const hash = createHash('sha512');
    hash.update(round & 1 ? passwordBytes : current);
    if (round % 3) hash.update(saltBytes);
    if (round % 7) hash.update(passwordBytes);
    hash.update(round & 1 ? current : passwordBytes);
    current = hash.digest();
  }
  return current;
}

export function randomSalt(): string {
  return Array.from({ length: SALT_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** The crypt(3) string for `password`; `salt` is for tests (a random one otherwise). */
export function sha512Crypt(password: string, salt: string = randomSalt(), rounds = DEFAULT_ROUNDS): string {
  if (!/^[./0-9A-Za-z]{1,16}$/.test(salt)) throw new Error('salt must be 1-16 characters of [./0-9A-Za-z]');
  const bytes = digest(Buffer.from(password, 'utf8'), Buffer.from(salt, 'ascii'), rounds);
  const packed =
    BYTE_GROUPS.map(([a, b, c]) => encode((bytes[a] << 16) | (bytes[b] << 8) | bytes[c], 4)).join('') +
    encode(bytes[63], 2);
  const roundsPart = rounds === DEFAULT_ROUNDS ? '' : `rounds=${rounds}$`;
  return `$6$${roundsPart}${salt}$${packed}`;
}
