import { inventoryMessage, outcomeMessage, parseHostCommand } from './host-messages';

const command = {
  commandId: 'c-1',
  hostId: 'h',
  username: 'alice',
  revision: '4',
  desired: { present: false, removeHome: true },
};

describe('host messages', () => {
  it('reads a command published as JSON', () => {
    expect(parseHostCommand(Buffer.from(JSON.stringify(command)))).toStrictEqual(command);
  });

  it('refuses what is not a command', () => {
    for (const value of [
      '{',
      '[]',
      JSON.stringify({ ...command, revision: '-1' }),
      JSON.stringify({ ...command, desired: {} }),
    ]) {
      expect(parseHostCommand(Buffer.from(value))).toBeNull();
    }
    expect(parseHostCommand(null)).toBeNull();
  });

  it('tells outcomes and inventories apart by kind', () => {
    const outcome = {
      commandId: 'c-1',
      hostId: 'h',
      username: 'alice',
      revision: '4',
      status: 'applied' as const,
    };
    expect(JSON.parse(outcomeMessage(outcome))).toStrictEqual({ kind: 'outcome', ...outcome });
    const inventory = { hostId: 'h', takenAt: '2026-01-01T00:00:00.000Z', accounts: [] };
    expect(JSON.parse(inventoryMessage(inventory))).toStrictEqual({ kind: 'inventory', ...inventory });
  });
});
