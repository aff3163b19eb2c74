import { DomainError, hostDecider, hostStream } from '@ops/domain';
import type { CommandRunner } from '../event-sourcing/command-runner';
import { catchUp } from '../event-sourcing/stream-loading';
import type { EventStore, RecordedEvent } from '../event-store/event-store';
import { agentPublicKeys, loadOrCreateAgentKeys } from '../host-trust/agent-keys';
import { signHostReport, type HostReport, type SignedHostReport } from '../host-trust/host-report-signature';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostReportRecorder } from './host-report-recorder';
import { VerifiedHostReports } from './verified-host-reports';

describe('VerifiedHostReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verified-reports-'));
  const web1 = loadOrCreateAgentKeys(dir, 'web-1');
  const web2 = loadOrCreateAgentKeys(dir, 'web-2');
  const registered = (hostId: string, agentKeys: unknown): RecordedEvent[] =>
    [{ type: 'HostRegistered', data: { hostId, name: hostId, agentKeys } }] as unknown as RecordedEvent[];
  const streams = new Map([
    [hostStream('web-1'), registered('web-1', agentPublicKeys(web1))],
    [hostStream('web-2'), registered('web-2', agentPublicKeys(web2))],
    [hostStream('legacy'), registered('legacy', undefined)],
  ]);
  const store = { readStream: async (name: string) => streams.get(name) ?? [] } as unknown as EventStore;
  const recorder = { outcome: jest.fn(), inventory: jest.fn() };
  const commands = {
    load: (name: string) => catchUp(store, name, hostDecider, hostDecider.initialState, -1n),
  } as unknown as CommandRunner;
  const reports = new VerifiedHostReports(commands, recorder as unknown as HostReportRecorder);

  const outcome = (hostId: string): HostReport => ({
    kind: 'outcome',
    commandId: 'c-1',
    hostId,
    username: 'alice',
    revision: '0',
    status: 'applied',
  });
  /** A partial failure: the signature must cover what applied as much as what failed. */
  const partial = (): HostReport => ({
    kind: 'outcome',
    commandId: 'c-2',
    hostId: 'web-1',
    username: 'alice',
    revision: '1',
    status: 'failed',
    tool: 'usermod',
    exitCode: 6,
    message: "usermod: group 'developers' does not exist",
    fields: [
      { field: 'sudo', status: 'applied' },
      { field: 'groups', status: 'failed', tool: 'usermod', exitCode: 6, message: 'no group' },
    ],
  });
  const inventory = (hostId: string): Extract<HostReport, { kind: 'inventory' }> => ({
    kind: 'inventory',
    hostId,
    takenAt: '2026-01-01T00:00:00Z',
    accounts: [],
  });

  beforeEach(() => jest.clearAllMocks());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records what the host agent signed, without the signature', async () => {
    await reports.report(signHostReport(outcome('web-1'), web1.signing));
    await reports.report(signHostReport(inventory('web-1'), web1.signing));
    const { kind: _outcome, ...applied } = outcome('web-1');
    const { kind: _inventory, ...listed } = inventory('web-1');
    expect(recorder.outcome).toHaveBeenCalledWith(applied);
    expect(recorder.inventory).toHaveBeenCalledWith(listed);
  });

  it("records a partial failure's fields and the host's groups and shells as signed", async () => {
    await reports.report(signHostReport(partial(), web1.signing));
    const listed = { ...inventory('web-1'), groups: ['sudo'], shells: ['/bin/sh'] };
    await reports.report(signHostReport(listed, web1.signing));
    const { kind: _outcome, ...failed } = partial();
    const { kind: _inventory, ...contents } = listed;
    expect(recorder.outcome).toHaveBeenCalledWith(failed);
    expect(recorder.inventory).toHaveBeenCalledWith(contents);
  });

  it.each([
    ['unsigned', () => ({ ...outcome('web-1'), signature: undefined as never })],
    ['signed by another host for this one', () => signHostReport(outcome('web-1'), web2.signing)],
    ['signed by a host for another one', () => signHostReport(inventory('web-2'), web1.signing)],
    [
      'altered after signing',
      () => ({ ...signHostReport(outcome('web-1'), web1.signing), username: 'root' }),
    ],
    [
      'whose fields were altered after signing (a sudo grant made to look applied)',
      () => {
        const signed = signHostReport(partial(), web1.signing);
        const fields = [{ field: 'sudo', status: 'failed', tool: 'usermod', exitCode: 1, message: '' }];
        return { ...signed, fields } as typeof signed;
      },
    ],
    [
      'with a field added after signing',
      () => {
        const signed = signHostReport(partial(), web1.signing) as Extract<HostReport, { status: 'failed' }>;
        const fields = [...(signed.fields ?? []), { field: 'locked', status: 'applied' }];
        return { ...signed, fields } as SignedHostReport;
      },
    ],
    [
      'with a group added to an inventory after signing',
      () => ({
        ...signHostReport({ ...inventory('web-1'), groups: ['sudo'] }, web1.signing),
        groups: ['sudo', 'x'],
      }),
    ],
    ['from a host without enrolled keys', () => signHostReport(outcome('legacy'), web1.signing)],
    ['from a host nobody registered', () => signHostReport(outcome('ghost'), web1.signing)],
    ['naming no valid host', () => signHostReport(outcome('../web-1'), web1.signing)],
  ])('refuses a report %s and records nothing', async (_, forged) => {
    await expect(reports.report(forged())).rejects.toThrow(DomainError);
    expect(recorder.outcome).not.toHaveBeenCalled();
    expect(recorder.inventory).not.toHaveBeenCalled();
  });
});
