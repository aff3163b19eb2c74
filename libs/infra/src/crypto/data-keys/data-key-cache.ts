import type { DataKey } from './field-cipher';

export const ERASED = Symbol('erased');

type Entry = { value: DataKey | typeof ERASED; expiresAt: number };

/**
 * Unwrapped data keys kept briefly, so the gateway does not unwrap on every request. Bounded (the
 * oldest entry goes first) and short-lived, because an erasure made by another process reaches this
 * one only through expiry. An erasure here is remembered: a load that raced with it cannot bring the
 * destroyed key back.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(subject: string): DataKey | typeof ERASED | undefined {
    const entry = this.entries.get(subject);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(subject);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps a loaded key unless the subject was erased meanwhile. */
  remember(subject: string, key: DataKey): void {
    if (this.get(subject) === ERASED) return;
    this.put(subject, key);
  }

  forget(subject: string): void {
    this.put(subject, ERASED);
  }

  get size(): number {
    return this.entries.size;
  }

  private put(subject: string, value: DataKey | typeof ERASED): void {
    this.entries.delete(subject);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(subject, { value, expiresAt: this.now() + this.ttlMs });
  }
}
