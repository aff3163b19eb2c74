import { eventIdFor, type EventIdSource } from './event-ids';

const source: EventIdSource = {
  streamName: 'credit-account-u1',
  commandType: 'GrantCredits',
  actor: 'admin',
  idempotencyKey: 'key-1',
};

describe('eventIdFor', () => {
  it('derives the same id for a retry of the same command', () => {
    expect(eventIdFor(0, source)).toBe(eventIdFor(0, { ...source }));
  });

  it('derives different ids for one key sent to two streams', () => {
    expect(eventIdFor(0, source)).not.toBe(eventIdFor(0, { ...source, streamName: 'credit-account-u2' }));
  });

  it('cannot be made to collide by moving characters between parts', () => {
    const shifted = { ...source, streamName: 'credit-account-u1\nadmin', actor: '' };
    expect(eventIdFor(0, shifted)).not.toBe(eventIdFor(0, source));
  });

  it('draws a fresh time-ordered id without a key, later ids sorting after earlier ones', () => {
    const keyless = { ...source, idempotencyKey: undefined };
    const ids = Array.from({ length: 50 }, () => eventIdFor(0, keyless));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });
});
