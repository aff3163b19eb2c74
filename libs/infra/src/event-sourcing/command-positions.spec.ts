import { setTimeout as sleep } from 'node:timers/promises';
import { collectCommandPositions, recordCommandPosition } from './command-positions';

const position = (n: number) => `${String(n).padStart(20, '0')}:${String(n).padStart(20, '0')}`;

describe('command positions collected per request', () => {
  it('keeps the newest position any command reported, however deep and late in the request', async () => {
    const { positions, result } = collectCommandPositions(async () => {
      recordCommandPosition(position(7));
      await sleep(1);
      await Promise.all([
        (async () => recordCommandPosition(position(9)))(),
        (async () => recordCommandPosition(position(8)))(),
      ]);
    });
    await result;
    expect(positions).toEqual({ ran: true, newest: position(9) });
  });

  it('tells a command that appended nothing from no command at all', async () => {
    const none = collectCommandPositions(async () => undefined);
    const nothing = collectCommandPositions(async () => recordCommandPosition(null));
    await Promise.all([none.result, nothing.result]);
    expect(none.positions).toEqual({ ran: false, newest: null });
    expect(nothing.positions).toEqual({ ran: true, newest: null });
  });

  it('never mixes the positions of requests running at the same time', async () => {
    const first = collectCommandPositions(async () => {
      await sleep(5);
      recordCommandPosition(position(1));
    });
    const second = collectCommandPositions(async () => {
      recordCommandPosition(position(2));
      await sleep(1);
    });
    recordCommandPosition(position(3));
    await Promise.all([first.result, second.result]);
    expect([first.positions.newest, second.positions.newest]).toEqual([position(1), position(2)]);
  });
});
