import { walletCreditsFor } from './wallet-credits';

describe('walletCreditsFor', () => {
  it.each([
    [10_000_000n, '1.0', '10'],
    [10_000_000n, '1', '10'],
    [10_000_000n, '0.5', '20'],
    [2_500_000n, '2', '1.25'],
    [1n, '0.000001', '1'],
    [10_000_000n, '0.25000000', '40'],
  ])('%s micro-USD at rate %s is %s credits', (amount, rate, credits) => {
    expect(walletCreditsFor(amount, rate)).toBe(credits);
  });

  it.each([
    [10_000_000n, '3'],
    [10_000_000n, '0'],
    [10_000_000n, '1e3'],
    [10_000_000n, '0.0000001'],
    [10_000_000n, ''],
  ])('refuses %s micro-USD at rate %j rather than round', (amount, rate) => {
    expect(walletCreditsFor(amount, rate)).toBeNull();
  });
});
