import { cursorFrom } from './postgres/event-rows';
import { ForeignPositionError, GLOBAL_POSITION_PATTERN, decodePosition, encodePosition } from './position';

describe('global positions', () => {
  it('keep PostgreSQL checkpoints in the text they were always stored in', () => {
    const stored = '00000000000000000042:00000000000000000007';
    expect(encodePosition(42n, 7n)).toBe(stored);
    expect(cursorFrom(stored)).toEqual({ transactionId: 42n, globalPosition: 7n });
  });

  it('tag EventStoreDB positions, and order them by string comparison like the others', () => {
    const earlier = encodePosition(9n, 9n, 'eventstoredb');
    const later = encodePosition(10n, 10n, 'eventstoredb');
    expect(earlier).toBe('esdb:00000000000000000009:00000000000000000009');
    expect(earlier < later).toBe(true);
    expect(decodePosition(later, 'eventstoredb')).toEqual({ major: 10n, minor: 10n });
    expect(
      GLOBAL_POSITION_PATTERN.test(earlier) && GLOBAL_POSITION_PATTERN.test(encodePosition(1n, 2n)),
    ).toBe(true);
  });

  it('are refused by the adapter that did not make them', () => {
    const esdb = encodePosition(1n, 1n, 'eventstoredb');
    expect(() => cursorFrom(esdb)).toThrow(ForeignPositionError);
    expect(() => decodePosition(encodePosition(1n, 1n), 'eventstoredb')).toThrow(ForeignPositionError);
    expect(() => decodePosition('garbage')).toThrow('Not a global position');
  });
});
