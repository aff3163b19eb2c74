import { Client } from 'pg';
import { eventually } from './app';

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
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    await eventually(async () => {
      const found = await holder.query('SELECT 1 FROM projection_checkpoints WHERE name = $1', [name]);
      expect(found.rowCount).toBe(1);
    });
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [name]);
    const released = new Promise((resolve) => setTimeout(resolve, holdMs)).then(() => holder.query('COMMIT'));
    const result = await action();
    await released;
    return result;
  } finally {
    await holder.end();
  }
}
