import type { HostCommand } from '@ops/domain/local-users/host-command';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A command as the relay published it (the JSON of a HostCommand), or null for anything else. Only
 * the envelope is checked here: the agent's verifier then checks its signature and desired state.
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
