import { MAX_ANSWER_AGE_MS, type AccessChanges } from './access-changes';

/** Enough for every active person or key of a large install; past it, the answers start afresh. */
const MAX_ANSWERS = 10_000;

/**
 * Answers read from the access read models, kept until AccessChanges says they may have changed, so
 * that an authenticated request does not ask the database the same question every time. An answer is
 * kept only if no change was announced while it was being read, and never while changes cannot be
 * heard; `keepForMs` may shorten its life (an API key that expires), and none outlives MAX_ANSWER_AGE_MS.
 */
export class AccessAnswers<Answer> {
  private readonly kept = new Map<string, { answer: Answer; until: number }>();
  private keptAt: number | null = null;

  constructor(private readonly changes: Pick<AccessChanges, 'version'>) {}

  async get(
    key: string,
    read: () => Promise<Answer>,
    keepForMs: (answer: Answer) => number = () => Infinity,
  ): Promise<Answer> {
    const version = this.changes.version();
    if (version === null) return read();
    if (version !== this.keptAt) {
      this.kept.clear();
      this.keptAt = version;
    }
    const kept = this.kept.get(key);
    if (kept && Date.now() < kept.until) return kept.answer;
    const answer = await read();
    const keepFor = Math.min(keepForMs(answer), MAX_ANSWER_AGE_MS);
    if (this.changes.version() === version && keepFor > 0) {
      if (this.kept.size >= MAX_ANSWERS) this.kept.clear();
      this.kept.set(key, { answer, until: Date.now() + keepFor });
    }
    return answer;
  }
}
