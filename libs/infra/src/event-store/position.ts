/** Fixed-width decimal parts, so that string order equals numeric order for any unsigned 64-bit pair. */
const WIDTH = 20;

/** Which adapter wrote a position: each one's positions mean nothing to the other. */
export type PositionSource = 'postgres' | 'eventstoredb';

/**
 * PostgreSQL's positions keep the untagged text they always had, so stored checkpoints stay valid;
 * EventStoreDB's carry a prefix, so that neither adapter reads the other's as its own.
 */
const PREFIXES: Record<PositionSource, string> = { postgres: '', eventstoredb: 'esdb:' };
const FORMATS: Record<PositionSource, RegExp> = {
  postgres: /^(\d{20}):(\d{20})$/,
  eventstoredb: /^esdb:(\d{20}):(\d{20})$/,
};

/** Any adapter's position, for validating cursors at the edge. */
export const GLOBAL_POSITION_PATTERN = /^(?:esdb:)?\d{20}:\d{20}$/;

/** A position made by the other adapter: reading from it would skip or repeat events silently. */
export class ForeignPositionError extends Error {
  constructor(
    readonly position: string,
    readonly expected: PositionSource,
    readonly actual: PositionSource,
  ) {
    super(`Position ${JSON.stringify(position)} was made by the ${actual} event store, not by ${expected}`);
    this.name = 'ForeignPositionError';
  }
}

export function encodePosition(major: bigint, minor: bigint, source: PositionSource = 'postgres'): string {
  return `${PREFIXES[source]}${major.toString().padStart(WIDTH, '0')}:${minor.toString().padStart(WIDTH, '0')}`;
}

export function decodePosition(
  position: string,
  source: PositionSource = 'postgres',
): { major: bigint; minor: bigint } {
  const match = FORMATS[source].exec(position);
  if (match) return { major: BigInt(match[1]), minor: BigInt(match[2]) };
  const other: PositionSource = source === 'postgres' ? 'eventstoredb' : 'postgres';
  if (FORMATS[other].test(position)) throw new ForeignPositionError(position, source, other);
  throw new Error(`Not a global position: ${JSON.stringify(position)}`);
}
