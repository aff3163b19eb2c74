import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const FILE = join(__dirname, '..', '..', 'BENCHMARKS.md');

/** One line naming what the figures were measured on. */
export async function describeMachine(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    const commit = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]
      .synchronous_commit;
    return (
      `${new Date().toISOString().slice(0, 10)} · ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}) · ` +
      `Node ${process.version} · PostgreSQL ${version} · synchronous_commit ${commit}`
    );
  } finally {
    await client.end();
  }
}

/** Replaces (or appends) the `## title` section of BENCHMARKS.md, leaving the other benchmarks' sections alone. */
export async function writeBenchmarksSection(title: string, body: readonly string[]): Promise<void> {
  const existing = await readFile(FILE, 'utf8').catch(() => '# Benchmarks\n');
  const heading = `## ${title}`;
  const sections = existing.split(/\n(?=## )/);
  const section = [heading, '', ...body].join('\n').trimEnd() + '\n';
  const index = sections.findIndex((candidate) => candidate.startsWith(heading));
  if (index >= 0) sections[index] = section;
  else sections.push(section);
  await writeFile(FILE, sections.map((part) => part.trimEnd()).join('\n\n') + '\n');
}
