import { AccessAnswers } from './access-answers';

/** A signal whose version the test moves by hand; null while "not listening". */
function signal(initial: number | null = 0) {
  let version = initial;
  return {
    version: () => version,
    change: () => {
      version = (version ?? 0) + 1;
    },
  };
}

describe('AccessAnswers', () => {
  it('keeps an answer until the access read models change', async () => {
    const changes = signal();
    const answers = new AccessAnswers<boolean>(changes);
    const read = jest.fn().mockResolvedValue(false);
    expect(await answers.get('alice', read)).toBe(false);
    expect(await answers.get('alice', read)).toBe(false);
    expect(read).toHaveBeenCalledTimes(1);

    changes.change();
    read.mockResolvedValue(true);
    expect(await answers.get('alice', read)).toBe(true);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing read while a change was announced: the read may predate it', async () => {
    const changes = signal();
    const answers = new AccessAnswers<boolean>(changes);
    const stale = jest.fn(async () => {
      changes.change();
      return false;
    });
    expect(await answers.get('bob', stale)).toBe(false);
    const fresh = jest.fn().mockResolvedValue(true);
    expect(await answers.get('bob', fresh)).toBe(true);
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('asks the database every time while changes cannot be heard', async () => {
    const changes = signal(null);
    const answers = new AccessAnswers<boolean>(changes);
    const read = jest.fn().mockResolvedValue(false);
    await answers.get('carol', read);
    await answers.get('carol', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps an answer no longer than it is valid, and not at all when told so', async () => {
    const changes = signal();
    const answers = new AccessAnswers<string | null>(changes);
    const missing = jest.fn().mockResolvedValue(null);
    await answers.get('key-1', missing, (answer) => (answer === null ? 0 : Infinity));
    await answers.get('key-1', missing, (answer) => (answer === null ? 0 : Infinity));
    expect(missing).toHaveBeenCalledTimes(2);

    const expiring = jest.fn().mockResolvedValue('dave');
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    try {
      await answers.get('key-2', expiring, () => 500);
      now.mockReturnValue(1_499);
      await answers.get('key-2', expiring, () => 500);
      expect(expiring).toHaveBeenCalledTimes(1);
      now.mockReturnValue(1_500);
      await answers.get('key-2', expiring, () => 500);
      expect(expiring).toHaveBeenCalledTimes(2);
    } finally {
      now.mockRestore();
    }
  });
});
