import { parseHostCommand } from './host-messages';

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
});
