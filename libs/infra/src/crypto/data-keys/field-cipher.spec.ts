import { randomBytes } from 'node:crypto';
import { openField, sealField } from './field-cipher';

const dataKey = { id: 'dk1', key: randomBytes(32) };

describe('field cipher', () => {
  it('opens what it sealed; the envelope is JSON-safe and does not contain the plain text', () => {
    const sealed = sealField(dataKey, 'alice', 'sk-secret-value', 'provider-keys-alice/openai');
    const json = JSON.stringify(sealed);
    expect(json).not.toContain('sk-secret-value');
    expect(JSON.parse(json)).toEqual(sealed);
    expect(sealed).toMatchObject({ v: 1, subject: 'alice', key: 'dk1' });
    expect(openField(dataKey, JSON.parse(json), 'provider-keys-alice/openai')).toBe('sk-secret-value');
  });

  it('refuses a field moved to another record, relabelled for another subject, or tampered with', () => {
    const sealed = sealField(dataKey, 'alice', 'secret', 'record-1');
    expect(() => openField(dataKey, sealed, 'record-2')).toThrow();
    expect(() => openField(dataKey, { ...sealed, subject: 'bob' }, 'record-1')).toThrow();
    const ct = Buffer.from(sealed.ct, 'base64url');
    ct[0] ^= 1;
    expect(() => openField(dataKey, { ...sealed, ct: ct.toString('base64url') }, 'record-1')).toThrow();
    expect(() => openField({ ...dataKey, id: 'dk2' }, sealed, 'record-1')).toThrow(
      /sealed with data key dk1/,
    );
  });
});
