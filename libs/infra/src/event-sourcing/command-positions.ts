import { AsyncLocalStorage } from 'node:async_hooks';
import type { GlobalPosition } from '../event-store/event-store';

/** What the commands run on behalf of one request did to the log. */
export interface CommandPositions {
  /** True once any command ran, whether or not it appended. */
  ran: boolean;
  /** The newest position a command appended (or an idempotent retry found); null: none appended. */
  newest: GlobalPosition | null;
}

const scopes = new AsyncLocalStorage<CommandPositions>();

/**
 * Runs `action` so that every command it runs, however deep (a bus, a service), reports its position
 * into the returned scope: the HTTP layer answers with it without each handler passing it up.
 */
export function collectCommandPositions<T>(action: () => T): { positions: CommandPositions; result: T } {
  const positions: CommandPositions = { ran: false, newest: null };
  return { positions, result: scopes.run(positions, action) };
}

/** Called by the command runner for each command; outside a collecting scope it does nothing. */
export function recordCommandPosition(position: GlobalPosition | null): void {
  const positions = scopes.getStore();
  if (!positions) return;
  positions.ran = true;
  if (position !== null && (positions.newest === null || position > positions.newest)) {
    positions.newest = position;
  }
}
