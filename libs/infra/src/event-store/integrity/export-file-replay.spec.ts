import { hostStream, llmRequestStream, localUserStream } from '@ops/domain';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categoryOf, replayExportFile } from './export-file-replay';
import { EXPORT_FORMAT, type ExportedEvent } from './export-format';

function event(stream: string, revision: number, type: string, position: number): ExportedEvent {
  return {
    stream,
    revision: String(revision),
    id: `${stream}#${revision}`,
    type,
    schema_version: 1,
    data: {},
    metadata: {},
    position: String(position).padStart(8, '0'),
    recorded_at: '2026-12-01T00:00:00.000Z',
    previous_hash: null,
    hash: null,
  };
}

describe('audit replay categories', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ops-replay-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the domain prefix, whatever dashes the id holds', () => {
    expect(categoryOf(hostStream('web-1'))).toBe('host-');
    expect(categoryOf(localUserStream('web-1', 'carol'))).toBe('local-user-');
    expect(categoryOf(llmRequestStream('0b5c1a4e-9f3d-4c1e-8a2b-7d6e5f4a3b2c'))).toBe('llm-request-');
    expect(categoryOf('audit-digests')).toBe('audit-digests');
  });

  it('folds hosts with dashed ids into one category and every LLM request into one', async () => {
    const events = [
      event(hostStream('web-1'), 0, 'HostRegistered', 1),
      event(hostStream('web-2'), 0, 'HostRegistered', 2),
      event(localUserStream('web-1', 'carol'), 0, 'LocalUserCreated', 3),
      event(llmRequestStream('7f0c2a1e-0000-4000-8000-000000000001'), 0, 'RequestRouted', 4),
      event(llmRequestStream('7f0c2a1e-0000-4000-8000-000000000001'), 1, 'RequestCompleted', 5),
      event(llmRequestStream('7f0c2a1e-0000-4000-8000-000000000002'), 0, 'RequestRouted', 6),
      event('audit-digests', 0, 'StreamHeadsDigestSigned', 7),
    ];
    const file = join(dir, 'log.ndjson');
    const header = {
      format: EXPORT_FORMAT,
      log_position: '7',
      exported_at: '2026-12-01T00:00:00Z',
      filter: {},
    };
    const lines = [header, ...events, { end: true, events: events.length }];
    writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');

    const summary = await replayExportFile(file);
    expect(summary.malformed).toEqual([]);
    expect(
      summary.categories.map(({ category, streams, events: count }) => [category, streams, count]),
    ).toEqual([
      ['audit-digests', 1, 1],
      ['host-', 2, 2],
      ['llm-request-', 2, 3],
      ['local-user-', 1, 1],
    ]);
    expect(summary.categories.find((fold) => fold.category === 'llm-request-')?.event_types).toEqual({
      RequestRouted: 2,
      RequestCompleted: 1,
    });
  });
});
