import { execFileSync } from 'node:child_process';
import { sha512Crypt } from './sha512-crypt';

const openssl = (password: string, salt: string) =>
  execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password }).toString().trim();

describe('SHA-512 crypt', () => {
  it.each([
    ['Hello world!', 'saltstring'],
    ['correct horse battery staple', 'abcdefghijklmnop'],
    ['pässwörd ünïcode', 'Ab./9'],
    ['a'.repeat(200), 'longpassword'],
  ])('matches openssl passwd -6 for %j with salt %j', (password, salt) => {
    expect(sha512Crypt(password, salt)).toBe(openssl(password, salt));
  });

  it('matches the reference vector of the SHA-crypt specification with explicit rounds', () => {
    expect(sha512Crypt('Hello world!', 'saltstringsaltst', 10000)).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    );
  });

  it('salts randomly by default', () => {
    const [first, second] = [sha512Crypt('same password'), sha512Crypt('same password')];
    expect(first).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(first).not.toBe(second);
  });
});
