import { Client } from 'pg';
import { eventually } from './app';

/** Runs `action` inside a transaction that `hold` opened, committed `holdMs` after it began. */
async function whileHeld<T>(
  databaseUrl: string,
  hold: (holder: Client) => Promise<void>,
  holdMs: number,
  action: () => Promise<T>,
): Promise<T> {
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await hold(holder);
    const released = new Promise((resolve) => setTimeout(resolve, holdMs)).then(() => holder.query('COMMIT'));
    const result = await action();
    await released;
    return result;
  } finally {
    await holder.end();
  }
}

/**
 * Runs `action` while the projection `name` cannot advance its checkpoint (a transaction holds its
 * row for `holdMs`), so a command that answers before its read model applied it is caught every time
 * rather than on a loaded machine only. The projection must have applied an event before.
 */
export async function whileProjectionHeld<T>(
  databaseUrl: string,
  name: string,
  holdMs: number,
  action: () => Promise<T>,
): Promise<T> {
  const probe = new Client({ connectionString: databaseUrl });
  await probe.connect();
  try {
    await eventually(async () => {
      const found = await probe.query('SELECT 1 FROM projection_checkpoints WHERE name = $1', [name]);
      expect(found.rowCount).toBe(1);
    });
  } finally {
    await probe.end();
  }
  return whileHeld(
    databaseUrl,
    async (holder) => {
      await holder.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [name]);
    },
    holdMs,
    action,
  );
}

/**
 * Runs `action` while the projector cannot write `table`, as if it lagged. A table lock takes no
 * transaction id, so unlike a held row it does not hide events appended meanwhile from readers of
 * the log (in PostgreSQL a reader sees only events below the oldest running transaction).
 */
export function whileTableLocked<T>(
  databaseUrl: string,
  table: string,
  holdMs: number,
  action: () => Promise<T>,
): Promise<T> {
  return whileHeld(
    databaseUrl,
    async (holder) => {
      await holder.query(`LOCK TABLE ${table} IN SHARE MODE`);
    },
    holdMs,
    action,
  );
}
