import { assertNotProtected, isProtectedAccount } from './protected-accounts';
import { refusal } from './testing';

const none = { configured: [], systemAccounts: [] };
const protection = { configured: ['ansible', 'breakglass'], systemAccounts: ['daemon', 'www-data'] };

describe('protected accounts', () => {
  it('protects root even with no configuration and no inventory', () => {
    const error = refusal(() => assertNotProtected('root', none));
    expect(error.code).toBe('forbidden');
    expect(error.field).toBe('username');
  });

  it.each(['ansible', 'breakglass'])('protects the configured account %s', (name) => {
    expect(refusal(() => assertNotProtected(name, protection)).code).toBe('forbidden');
  });

  it.each(['daemon', 'www-data'])('protects the system account %s reported by the host', (name) => {
    expect(refusal(() => assertNotProtected(name, protection)).code).toBe('forbidden');
  });

  it('lets an ordinary account through', () => {
    expect(() => assertNotProtected('alice', protection)).not.toThrow();
    expect(isProtectedAccount('alice', protection)).toBe(false);
  });

  it('protects names by exact match only', () => {
    expect(isProtectedAccount('rooter', protection)).toBe(false);
    expect(isProtectedAccount('daemon2', protection)).toBe(false);
  });
});
