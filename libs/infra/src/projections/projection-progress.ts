import { Injectable } from '@nestjs/common';

/**
 * Told each time a projector in this process commits read-model progress, so that a read waiting for
 * its own write wakes at that commit instead of at its next poll. A projector in another process
 * tells nobody here: waiters still poll, this only shortens the wait where both share a process.
 */
@Injectable()
export class ProjectionProgress {
  private waiters = new Set<() => void>();
  private readonly followers: (() => void)[] = [];

  /** `follower` runs at every advance, before any waiter wakes. */
  onAdvance(follower: () => void): void {
    this.followers.push(follower);
  }

  advanced(): void {
    this.followers.forEach((follow) => follow());
    const waking = this.waiters;
    this.waiters = new Set();
    waking.forEach((wake) => wake());
  }

  /** Resolves at the next advance, or after `ms` at the latest. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }
}
