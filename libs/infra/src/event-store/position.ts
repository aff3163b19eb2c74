/** Fixed-width decimal parts, so that string order equals numeric order for any unsigned 64-bit pair. */
const WIDTH = 20;

export function encodePosition(major: bigint, minor: bigint): string {
  return `${major.toString().padStart(WIDTH, '0')}:${minor.toString().padStart(WIDTH, '0')}`;
}

export function decodePosition(position: string): { major: bigint; minor: bigint } {
  const match = /^(\d{20}):(\d{20})$/.exec(position);
  if (!match) throw new Error(`Not a global position: ${JSON.stringify(position)}`);
  return { major: BigInt(match[1]), minor: BigInt(match[2]) };
}
