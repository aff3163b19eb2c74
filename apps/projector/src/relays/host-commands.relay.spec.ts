import {
  hostStream,
  localUserStream,
  type HostCommand,
  type HostOutcome,
  type LocalUserCreated,
} from '@ops/domain';
import { SecretBox } from '@ops/infra/crypto/secret-box';
import type { EventStore, RecordedEvent } from '@ops/infra/event-store/event-store';
import { agentPublicKeys, loadOrCreateAgentKeys } from '@ops/infra/host-trust/agent-keys';
import { ed25519SigningKey, generatePrivateKeyPem } from '@ops/infra/host-trust/ed25519-key-source';
import { verifyHostCommandSignature } from '@ops/infra/host-trust/host-command-signature';
import { openForHost } from '@ops/infra/host-trust/host-seal';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostCommandsRelay } from './host-commands.relay';

const HASH = '$6$salt$0123456789abcdef';

function recorded(
  streamName: string,
  revision: number,
  type: string,
  data: Record<string, unknown>,
): RecordedEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: 'admin',
      correlationId: 'c',
      causationId: null,
      occurredAt: '2026-01-01T00:00:00Z',
      source: 'test',
    },
    streamName,
    revision: BigInt(revision),
    position: `${revision}`,
    recordedAt: new Date(),
  } as unknown as RecordedEvent;
}

describe('HostCommandsRelay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-'));
  const hostA = loadOrCreateAgentKeys(dir, 'web-a');
  const hostB = loadOrCreateAgentKeys(dir, 'web-b');
  const box = new SecretBox([{ id: 'k1', key: randomBytes(32) }]);
  const signingKey = ed25519SigningKey(generatePrivateKeyPem('ed25519'), 'test');
  const streams = new Map<string, RecordedEvent[]>();
  const store = { readStream: async (name: string) => streams.get(name) ?? [] } as unknown as EventStore;
  const dispatched: HostCommand[] = [];
  const failures: HostOutcome[] = [];
  const relay = new HostCommandsRelay(
    store,
    { dispatch: async (commands) => void dispatched.push(...commands) },
    { signingKey, box, recordFailure: async (outcome) => void failures.push(outcome) },
  );

  function created(hostId: string, username: string): RecordedEvent {
    const data: LocalUserCreated['data'] = {
      hostId,
      username,
      shell: '/bin/bash',
      fullName: 'Alice',
      groups: [],
      sudo: false,
      passwordHash: box.seal(HASH, localUserStream(hostId, username)),
      forcePasswordChange: false,
      sshKeys: [],
    };
    const event = recorded(localUserStream(hostId, username), 0, 'LocalUserCreated', data);
    streams.set(event.streamName, [event]);
    return event;
  }

  beforeAll(() => {
    streams.set(hostStream('web-a'), [
      recorded(hostStream('web-a'), 0, 'HostRegistered', {
        hostId: 'web-a',
        name: 'A',
        agentKeys: agentPublicKeys(hostA),
      }),
    ]);
    // Registered before agent keys existed (schema version 1): known, but not enrolled.
    streams.set(hostStream('legacy'), [
      recorded(hostStream('legacy'), 0, 'HostRegistered', { hostId: 'legacy', name: 'L' }),
    ]);
  });
  beforeEach(() => {
    dispatched.length = 0;
    failures.length = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs each command and seals its hash to the target host only', async () => {
    await relay.apply([created('web-a', 'alice')]);
    const [command] = dispatched;
    expect(verifyHostCommandSignature(command, [signingKey.publicKey])).toBe(true);
    const sealed = command.desired.present ? command.desired.passwordHash : null;
    expect(sealed).not.toBeNull();
    expect(JSON.stringify(command)).not.toContain(HASH);
    expect(openForHost(sealed!, hostA.sealing.privateKey, { hostId: 'web-a', username: 'alice' })).toBe(HASH);
    // A hash sealed for host A cannot be opened with host B's key.
    expect(() =>
      openForHost(sealed!, hostB.sealing.privateKey, { hostId: 'web-a', username: 'alice' }),
    ).toThrow();
    // Nor with the platform's own ring, which is what agents used to hold.
    expect(() => box.open(sealed!, localUserStream('web-a', 'alice'))).toThrow();
  });

  it('sends nothing to a host without enrolled keys, records the command failed and goes on', async () => {
    await relay.apply([created('legacy', 'bob'), created('unknown', 'carol'), created('web-a', 'dave')]);
    expect(dispatched.map((command) => command.username)).toEqual(['dave']);
    expect(failures).toEqual([
      expect.objectContaining({ hostId: 'legacy', username: 'bob', status: 'failed', tool: 'control-plane' }),
      expect.objectContaining({
        hostId: 'unknown',
        username: 'carol',
        status: 'failed',
        tool: 'control-plane',
      }),
    ]);
    expect(JSON.stringify(failures)).not.toContain(HASH);
  });

  it('records a hash it cannot open as failed instead of stalling', async () => {
    const event = created('web-a', 'erin');
    const foreign = new SecretBox([{ id: 'gone', key: randomBytes(32) }]);
    event.data.passwordHash = foreign.seal(HASH, localUserStream('web-a', 'erin'));
    await relay.apply([event]);
    expect(dispatched).toEqual([]);
    expect(failures).toEqual([
      expect.objectContaining({ username: 'erin', message: expect.stringContaining('gone') }),
    ]);
  });
});
