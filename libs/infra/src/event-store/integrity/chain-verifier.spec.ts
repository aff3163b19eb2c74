import { ChainVerifier, type ChainLink, type StreamHead } from './chain-verifier';
import { chainHash, contentHash } from './event-hashes';
import type { IntegrityProblem } from './integrity-problem';

function chain(stream: string, count: number): ChainLink[] {
  const links: ChainLink[] = [];
  let previous: string | null = null;
  for (let index = 0; index < count; index++) {
    const content = {
      id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      type: 'CreditsGranted',
      schemaVersion: 1,
      data: { amountMicros: String(index), userId: stream },
      metadata: { actor: 'alice' },
    };
    const hash = chainHash(previous, contentHash(content), stream, BigInt(index));
    links.push({ streamName: stream, revision: BigInt(index), content, previousHash: previous, hash });
    previous = hash;
  }
  return links;
}

function verify(
  links: ChainLink[],
  wholeStreams = true,
): { problems: IntegrityProblem[]; heads: StreamHead[] } {
  const problems: IntegrityProblem[] = [];
  const heads: StreamHead[] = [];
  const verifier = new ChainVerifier({
    wholeStreams,
    onProblem: (problem) => problems.push(problem),
    onStreamEnd: (head) => heads.push(head),
  });
  for (const link of links) verifier.add(link);
  verifier.finish();
  return { problems, heads };
}

const summary = (problems: IntegrityProblem[]) =>
  problems.map(({ stream, revision, problem }) => `${stream}@${revision}:${problem}`);

describe('ChainVerifier', () => {
  it('accepts intact chains and reports each stream head', () => {
    const { problems, heads } = verify([...chain('a', 5), ...chain('b', 2)]);
    expect(problems).toEqual([]);
    expect(heads.map((head) => [head.stream, head.revision, head.events])).toEqual([
      ['a', 4n, 5],
      ['b', 1n, 2],
    ]);
  });

  it('names a changed field as a hash mismatch at its revision', () => {
    const links = chain('a', 5);
    links[2] = { ...links[2], content: { ...links[2].content, data: { amountMicros: '999', userId: 'a' } } };
    expect(summary(verify(links).problems)).toEqual(['a@2:hash_mismatch']);
  });

  it('names the link after an event changed and re-hashed as a broken chain', () => {
    const links = chain('a', 5);
    const content = { ...links[2].content, data: { amountMicros: '999', userId: 'a' } };
    links[2] = {
      ...links[2],
      content,
      hash: chainHash(links[2].previousHash, contentHash(content), 'a', 2n),
    };
    expect(summary(verify(links).problems)).toEqual(['a@3:chain_broken']);
  });

  it('names a deleted middle event as missing, and a stream that lost its start', () => {
    const links = chain('a', 5);
    expect(summary(verify([...links.slice(0, 2), ...links.slice(3)]).problems)).toEqual(['a@2:missing']);
    expect(summary(verify(links.slice(2)).problems)).toEqual(['a@0:missing']);
  });

  it('names two swapped events as reordered, and nothing after them', () => {
    const links = chain('a', 6);
    const swapped = [
      links[0],
      links[1],
      { ...links[3], revision: 2n },
      { ...links[2], revision: 3n },
      links[4],
      links[5],
    ];
    expect(summary(verify(swapped).problems)).toEqual(['a@2:reordered', 'a@3:reordered']);
  });

  it('names an event without a hash', () => {
    const links = chain('a', 3);
    links[1] = { ...links[1], hash: null };
    expect(summary(verify(links).problems)).toContain('a@1:unhashed');
  });

  it('lets a partial export start a stream at any revision, but still checks the rest', () => {
    const links = chain('a', 6).slice(3);
    expect(verify(links, false).problems).toEqual([]);
    expect(summary(verify(links, true).problems)).toEqual(['a@0:missing']);
  });
});
