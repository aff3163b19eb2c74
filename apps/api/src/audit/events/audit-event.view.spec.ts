import type { UnparsedEvent } from '@ops/infra/audit';
import type { RecordedEvent } from '@ops/infra/event-store/event-store';
import { auditEventLine, toAuditEventView } from './audit-event.view';

const data = { note: 'a "quote", a \\ backslash, a\nnewline, é ✓ \u2028', list: [1, 2.5, null, true, {}] };
const metadata = { actor: 'carol', correlationId: 'c-1', causationId: null, occurredAt: 'T', source: 'api' };

function both(integrity: RecordedEvent['integrity']): [RecordedEvent, UnparsedEvent] {
  const recorded: RecordedEvent = {
    id: '6f1c2a4e-1111-4222-8333-444444444444',
    type: 'Odd"Type',
    schemaVersion: 3,
    data,
    metadata,
    streamName: 'stream "with" \\ odd\tname',
    revision: 12n,
    position: '00000000000000000042:00000000000000000007',
    recordedAt: new Date('2026-12-07T09:00:00.123Z'),
    ...(integrity ? { integrity } : {}),
  };
  const unparsed: UnparsedEvent = {
    id: recorded.id,
    type: recorded.type,
    schemaVersion: recorded.schemaVersion,
    // As PostgreSQL writes jsonb: a space after each colon and comma, keys reordered.
    data: '{"list": [1, 2.5, null, true, {}], "note": "a \\"quote\\", a \\\\ backslash, a\\nnewline, é ✓ \u2028"}',
    metadata:
      '{"actor": "carol", "source": "api", "occurredAt": "T", "causationId": null, "correlationId": "c-1"}',
    streamName: recorded.streamName,
    revision: '12',
    position: recorded.position,
    recordedAt: '2026-12-07T09:00:00.123Z',
    integrity: integrity ?? null,
  };
  return [recorded, unparsed];
}

describe('auditEventLine', () => {
  it.each([
    ['with its hash-chain link', { previousHash: null, hash: 'ab'.repeat(32) }],
    ['without one', undefined],
  ])('writes one line that reads back as the event view (%s)', (_, integrity) => {
    const [recorded, unparsed] = both(integrity);
    const line = auditEventLine(unparsed);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(toAuditEventView(recorded))));
    expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(toAuditEventView(recorded)));
  });
});
