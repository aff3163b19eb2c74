import type { HostCommand, HostInventory, HostOutcome } from '@ops/domain/local-users/host-command';

/** The value of a message on the reports topic; `kind` tells outcomes and inventories apart. */
export type HostReportMessage = ({ kind: 'outcome' } & HostOutcome) | ({ kind: 'inventory' } & HostInventory);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A command as the relay published it (the JSON of a HostCommand), or null for anything else. Only
 * the envelope is checked: the domain validated the desired state before the event was appended.
 */
export function parseHostCommand(value: Buffer | null): HostCommand | null {
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.desired) || typeof parsed.desired.present !== 'boolean')
    return null;
  const { commandId, hostId, username, revision } = parsed;
  const strings = [commandId, hostId, username, revision].every((field) => typeof field === 'string');
  if (!strings || !/^\d+$/.test(String(revision))) return null;
  return parsed as unknown as HostCommand;
}

export function outcomeMessage(outcome: HostOutcome): string {
  const message: HostReportMessage = { kind: 'outcome', ...outcome };
  return JSON.stringify(message);
}

export function inventoryMessage(inventory: HostInventory): string {
  const message: HostReportMessage = { kind: 'inventory', ...inventory };
  return JSON.stringify(message);
}
