import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** Linux reports a process's CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far, or undefined when it is not on this machine. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of this process and of the PostgreSQL backends serving one database, which a shared
 * machine leaves meaningful when wall-clock rates are not: other work slows a run down, it does not
 * make it burn more CPU. Backends are found by database name, so the server must run on this machine;
 * elsewhere only this process's time is counted.
 */
export class CpuTime {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<CpuTime> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new CpuTime(client);
  }

  /** Node and database CPU seconds up to now (a backend started later counts from zero). */
  async sample(): Promise<{ node: number; database: Map<number, number> }> {
    const usage = process.cpuUsage();
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const database = new Map<number, number>();
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== undefined) database.set(pid, seconds);
    }
    return { node: (usage.user + usage.system) / 1e6, database };
  }

  /** CPU seconds spent since `start`, by this process and by the database's backends. */
  async since(start: {
    node: number;
    database: Map<number, number>;
  }): Promise<{ node: number; database: number }> {
    const now = await this.sample();
    let database = 0;
    for (const [pid, seconds] of now.database) database += seconds - (start.database.get(pid) ?? 0);
    return { node: now.node - start.node, database };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
