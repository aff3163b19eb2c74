import type Stripe from 'stripe';
import { parseCreditPackages } from './credit-packages';
import { checkPaidSession } from './paid-session';

const packages = parseCreditPackages(
  JSON.stringify([{ id: 'starter-10', name: 'Starter', price_cents: 1000, credits_micros: '10000000' }]),
);

function session(overrides: Partial<Stripe.Checkout.Session> = {}): Stripe.Checkout.Session {
  return {
    id: 'cs_1',
    mode: 'payment',
    currency: 'usd',
    amount_total: 1000,
    client_reference_id: 'ann',
    metadata: { user_id: 'ann', package: 'starter-10' },
    payment_status: 'paid',
    payment_intent: 'pi_1',
    ...overrides,
  } as Stripe.Checkout.Session;
}

describe('checkPaidSession', () => {
  it('credits our package for the buyer named in the metadata', () => {
    expect(checkPaidSession(session(), packages)).toEqual({
      userId: 'ann',
      creditPackage: packages.get('starter-10'),
      sessionId: 'cs_1',
      paymentIntentId: 'pi_1',
    });
  });

  it('refuses a paid session without its payment intent: a refund could not find the purchase', () => {
    expect(checkPaidSession(session({ payment_intent: null }), packages)).toEqual({
      problem: 'the paid session names no payment_intent',
    });
  });

  it.each([
    [{ amount_total: 999 }, 'amount_total 999'],
    [{ currency: 'eur' }, 'currency'],
    [{ mode: 'subscription' as const }, 'mode'],
    [{ metadata: { user_id: 'ann', package: 'gold' } }, 'not configured'],
    [{ metadata: { package: 'starter-10' } }, 'user_id'],
    [{ metadata: { user_id: '../x', package: 'starter-10' } }, 'user_id'],
    [{ client_reference_id: 'bob' }, 'client_reference_id'],
  ])('refuses a session with %j', (overrides, problem) => {
    const checked = checkPaidSession(session(overrides as Partial<Stripe.Checkout.Session>), packages);
    expect('problem' in checked && checked.problem).toContain(problem);
  });
});

describe('parseCreditPackages', () => {
  it.each([
    ['[]', 'non-empty'],
    ['[{"id":"A b","name":"x","price_cents":1000,"credits_micros":"1"}]', 'id'],
    ['[{"id":"a","name":"x","price_cents":10,"credits_micros":"1"}]', 'price_cents'],
    ['[{"id":"a","name":"x","price_cents":1000,"credits_micros":1}]', 'credits_micros'],
    [
      '[{"id":"a","name":"x","price_cents":1000,"credits_micros":"1"},{"id":"a","name":"y","price_cents":1000,"credits_micros":"1"}]',
      'twice',
    ],
  ])('refuses %s', (json, problem) => {
    expect(() => parseCreditPackages(json)).toThrow(problem);
  });
});
