import type { EventInputObject } from 'lago-javascript-client';
import { LagoHttpError, LagoUnreachableError } from './lago-errors';
import { deliverUsageBatch, type UsageOutcome } from './usage-batch-delivery';
import type { UsageItem } from './usage-event';

function item(id: string): UsageItem {
  return {
    eventId: id,
    userId: 'alice',
    requestId: id,
    costMicros: 1n,
    occurredAt: '2026-11-20T00:00:00.000Z',
    lagoEvent: { transaction_id: id, external_subscription_id: 'alice', code: 'llm_usage' },
  };
}

const refusal = (details: unknown, status = 422) =>
  new LagoHttpError(
    status,
    { status, error: 'Unprocessable Entity', code: 'validation_errors', error_details: details },
    'events/batch',
  );

function summary(outcomes: UsageOutcome[]): Record<string, string> {
  return Object.fromEntries(
    outcomes.map((outcome) => [outcome.item.eventId, 'status' in outcome ? outcome.status : 'parked']),
  );
}

describe('deliverUsageBatch', () => {
  it('counts duplicates as delivered and resends the rest of a refused batch', async () => {
    const calls: string[][] = [];
    const send = async (events: EventInputObject[]) => {
      calls.push(events.map((event) => event.transaction_id));
      if (calls.length === 1) throw refusal({ 1: { transaction_id: ['value_already_exist'] } });
    };
    const outcomes = await deliverUsageBatch(['a', 'b', 'c'].map(item), send);
    expect(summary(outcomes)).toEqual({ a: 'delivered', b: 'already_in_lago', c: 'delivered' });
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c'],
    ]);
  });

  it('parks an event refused for another reason, with the reason', async () => {
    const send = async (events: EventInputObject[]) => {
      const index = events.findIndex((event) => event.transaction_id === 'b');
      if (index >= 0) throw refusal({ [index]: { code: ['metric_not_found'] } });
    };
    const outcomes = await deliverUsageBatch(['a', 'b', 'c'].map(item), send);
    expect(summary(outcomes)).toEqual({ a: 'delivered', b: 'parked', c: 'delivered' });
    const parked = outcomes.find((outcome) => outcome.item.eventId === 'b');
    expect(parked && 'parked' in parked && parked.parked).toContain('metric_not_found');
  });

  it('splits a batch refused without naming an event until the poison one stands alone', async () => {
    let calls = 0;
    const send = async (events: EventInputObject[]) => {
      calls++;
      if (events.some((event) => event.transaction_id === 'e')) throw refusal(null, 400);
    };
    const outcomes = await deliverUsageBatch(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(item), send);
    expect(summary(outcomes)).toMatchObject({ a: 'delivered', e: 'parked', h: 'delivered' });
    expect(Object.values(summary(outcomes)).filter((status) => status === 'parked')).toHaveLength(1);
    expect(calls).toBeLessThanOrEqual(8);
  });

  it('lets transient failures through to the caller, which retries', async () => {
    const send = async () => {
      throw new LagoUnreachableError('events/batch', new Error('ECONNREFUSED'));
    };
    await expect(deliverUsageBatch([item('a')], send)).rejects.toBeInstanceOf(LagoUnreachableError);
  });
});
