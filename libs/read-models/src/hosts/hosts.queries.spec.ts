import { NotFoundException } from '@nestjs/common';
import { openReadModelDatabase, type ReadModelDatabase } from '../../../../test/support/read-model-database';
import { LocalUserRow } from '../local-users/local-user.table';
import { HostRow } from './host.table';
import { HostsQueries } from './hosts.queries';

const at = new Date('2026-03-01T10:00:00.000Z');

const host = (hostId: string): HostRow =>
  Object.assign(new HostRow(), {
    hostId,
    name: `${hostId}.example.com`,
    registeredAt: at,
    registeredBy: 'admin',
    inventory: null,
    inventoryTakenAt: null,
    inventoryGroups: null,
    inventoryShells: null,
  });

const user = (hostId: string, username: string): LocalUserRow =>
  Object.assign(new LocalUserRow(), {
    hostId,
    username,
    shell: '/bin/bash',
    fullName: '',
    groups: [],
    sudo: false,
    hasPassword: false,
    locked: false,
    expiresOn: null,
    forcePasswordChange: false,
    deleted: false,
    state: 'pending',
    lastChangeRevision: '0',
    lastOutcome: null,
    createdAt: at,
    createdBy: 'admin',
    updatedAt: at,
  });

describe('hosts queries', () => {
  let database: ReadModelDatabase;
  let queries: HostsQueries;

  beforeAll(async () => {
    database = await openReadModelDatabase();
    const { dataSource } = database;
    queries = new HostsQueries(dataSource.getRepository(HostRow), dataSource.getRepository(LocalUserRow));
    await dataSource.getRepository(HostRow).save([host('db'), host('mail'), host('web')]);
    await dataSource
      .getRepository(LocalUserRow)
      .save([user('db', 'carol'), user('web', 'carol'), user('web', 'dave')]);
  });

  afterAll(() => database?.close());

  const summary = (reads: { host: HostRow; managedUsernames: ReadonlySet<string> }[]) =>
    reads.map(({ host: { hostId }, managedUsernames }) => [hostId, [...managedUsernames].sort()]);

  it('lists hosts by id, each with the accounts managed on it alone', async () => {
    const first = await queries.list({ limit: 2 });
    expect(summary(first.rows)).toEqual([
      ['db', ['carol']],
      ['mail', []],
    ]);
    const second = await queries.list({ limit: 2, cursor: first.next_cursor ?? undefined });
    expect(summary(second.rows)).toEqual([['web', ['carol', 'dave']]]);
    expect(second.next_cursor).toBeNull();
  });

  it('reads one host with its accounts, and refuses one never registered', async () => {
    expect(summary([await queries.get('web')])).toEqual([['web', ['carol', 'dave']]]);
    await expect(queries.get('nowhere')).rejects.toBeInstanceOf(NotFoundException);
  });
});
