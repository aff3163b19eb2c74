import { Logger } from '@nestjs/common';
import { NO_MARGIN, type ModelInfo } from '@ops/domain';
import type { AppConfig } from '@ops/infra/config/app-config';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { GatewayRefusalMetrics } from '@ops/infra/http';
import type { UpstreamUsage } from '@ops/infra/llm-upstream';
import type { Response } from 'express';
import { EventEmitter } from 'node:events';
import { ChatCompletionsService } from './chat-completions.service';
import type { ClientWire, StreamItem, UpstreamAnswer } from './client-wire';
import type { ChainLink, PlannedRequest, Reservation } from './gateway-request';
import type { RequestMetrics } from './request-metrics';
import type { RequestPlanner } from './request-planner';
import type { Outcome, RequestSettlement } from './request-settlement';
import { ChainExhausted, type UpstreamChain } from './upstream-chain';

const CONTEXT = { actor: 'u', correlationId: 'c', causationId: null, source: 'api' } as CommandContext;
const LINK: ChainLink = {
  model: {
    id: 'llama',
    provider: 'groq',
    lifecycle: 'active',
    inputMicrosPerMillion: 1n,
    outputMicrosPerMillion: 1n,
    contextLength: 1_000,
    maxOutputTokens: 100,
  } as ModelInfo,
  byok: false,
  reason: 'test',
};
const USAGE: UpstreamUsage = { inputTokens: 7, outputTokens: 3 };

/** Just enough of Express's response for the service and its SSE writer, keeping what was sent. */
class FakeResponse extends EventEmitter {
  headers: Record<string, string> = {};
  written = '';
  body: unknown = null;
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  writableNeedDrain = false;
  headersSent = false;
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  set(headers: Record<string, string>) {
    Object.assign(this.headers, headers);
    return this;
  }
  status() {
    return this;
  }
  flushHeaders() {
    this.headersSent = true;
  }
  json(body: unknown) {
    this.body = body;
    this.end();
  }
  write(text: string) {
    this.written += text;
    return true;
  }
  end() {
    this.writableEnded = this.writableFinished = true;
  }
  /** The reader leaves: Node destroys the response and emits close. */
  leave() {
    this.destroyed = true;
    this.emit('close');
  }
}

function openAiChunk(content: string): StreamItem {
  return {
    wire: 'openai',
    chunk: { choices: [{ index: 0, delta: { content }, finish_reason: null }] },
  } as StreamItem;
}

/** A stream of `items`, then a failure when `failAfter` is set; `during` runs after the first item. */
function streamOf(
  items: StreamItem[],
  options: { failAfter?: boolean; usage?: UpstreamUsage | null; during?: () => void } = {},
) {
  return {
    chunks: (async function* () {
      for (const [index, item] of items.entries()) {
        yield item;
        if (index === 0) options.during?.();
      }
      if (options.failAfter) throw new Error('upstream cut');
    })(),
    usage: () => options.usage ?? null,
    close: () => undefined,
  };
}

/** The service over fake ports: a planner that plans one link, a chain as given, a settlement that charges 42. */
function serviceOver(
  chain: Partial<UpstreamChain>,
  plan?: () => Promise<PlannedRequest>,
  reservation: Reservation | null = null,
) {
  const finished: Outcome[] = [];
  const failed: unknown[] = [];
  const refused: unknown[] = [];
  const relayed: string[] = [];
  const planned = {
    requestId: 'r',
    body: { model: 'auto', messages: [] },
    tier: 'starter',
    powerLevel: 'balanced',
    ceilingMicros: 10_000n,
    margin: NO_MARGIN,
    task: 'general',
    promptTokens: 11,
    maxTokens: null,
    chain: [LINK],
    catalogVersion: 0,
    reservation,
    startedAt: performance.now(),
  } as unknown as PlannedRequest;
  const planner = { plan: plan ?? (() => Promise.resolve(planned)) } as unknown as RequestPlanner;
  const settlement = {
    finish: (_planned: PlannedRequest, outcome: Outcome) => {
      finished.push(outcome);
      return Promise.resolve(42n);
    },
    fail: (_planned: PlannedRequest, error: unknown) => {
      failed.push(error);
      return Promise.resolve(error);
    },
  } as unknown as RequestSettlement;
  const refusals = { refused: (error: unknown) => refused.push(error) } as unknown as GatewayRefusalMetrics;
  const metrics = { firstTokenAfter: () => undefined } as unknown as RequestMetrics;
  const wire: ClientWire = {
    answerBody: (answer, _link, settled) => ({
      answer: answer.body,
      charged: settled.chargedMicros.toString(),
    }),
    streamRelay: () => ({
      relay: (item) => {
        relayed.push(item.wire === 'openai' ? (item.chunk.choices[0]?.delta.content ?? '') : '');
        return Promise.resolve();
      },
      end: (_writer, settled) => {
        relayed.push(`end ${settled.chargedMicros}`);
        return Promise.resolve();
      },
      fail: (_writer, code) => {
        relayed.push(`fail ${code}`);
        return Promise.resolve();
      },
    }),
  };
  const service = new ChatCompletionsService(planner, chain as UpstreamChain, settlement, refusals, metrics, {
    LLM_STREAM_MAX_SECONDS: 60,
  } as AppConfig);
  const response = new FakeResponse();
  const handle = (stream = false) =>
    service.handle(
      { userId: 'u', apiKeyId: null },
      { body: { model: 'auto', messages: [{ role: 'user', content: 'Hi' }], stream }, anthropic: null },
      { powerLevel: undefined, privacy: undefined },
      CONTEXT,
      response as unknown as Response,
      wire,
    );
  return { handle, response, finished, failed, refused, relayed };
}

function answer(usage: UpstreamUsage | null): UpstreamAnswer {
  const body = {
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
  };
  return { wire: 'openai', body, usage } as UpstreamAnswer;
}

beforeAll(() => Logger.overrideLogger(false));

describe('ChatCompletionsService', () => {
  it('settles a plain answer at its reported usage, then answers with what was charged', async () => {
    const complete = () => Promise.resolve({ link: LINK, result: answer(USAGE), attempts: [] });
    const { handle, response, finished, failed } = serviceOver({ complete });
    await handle();
    expect(finished).toEqual([
      expect.objectContaining({ usage: USAGE, usageEstimated: false, finishReason: 'stop' }),
    ]);
    expect(failed).toEqual([]);
    expect(response.headers['x-ops-cost-micros']).toBe('42');
    expect(response.body).toMatchObject({ charged: '42' });
  });

  it('charges what it counted when the upstream reports no usage', async () => {
    const complete = () => Promise.resolve({ link: LINK, result: answer(null), attempts: [] });
    const { handle, finished } = serviceOver({ complete });
    await handle();
    expect(finished[0]).toMatchObject({ usage: { inputTokens: 11 }, usageEstimated: true });
    expect(finished[0].usage.outputTokens).toBeGreaterThan(0);
  });

  it('releases the hold and records the failure when the whole chain failed, and says how many were tried', async () => {
    const exhausted = new ChainExhausted(
      [{} as never, {} as never],
      502,
      'Every provider failed',
      'upstream_error',
    );
    const { handle, response, finished, failed } = serviceOver({ complete: () => Promise.reject(exhausted) });
    await expect(handle()).rejects.toBe(exhausted);
    expect(failed).toEqual([exhausted]);
    expect(finished).toEqual([]);
    expect(response.headers['x-ops-attempts']).toBe('2');
  });

  it('counts a refused plan and neither calls upstream nor touches the ledger', async () => {
    const complete = jest.fn();
    const refusal = new Error('no model');
    const { handle, finished, failed, refused } = serviceOver({ complete }, () => Promise.reject(refusal));
    await expect(handle()).rejects.toBe(refusal);
    expect(complete).not.toHaveBeenCalled();
    expect([finished, failed, refused]).toEqual([[], [], [refusal]]);
  });

  it('relays a stream, settles it, and only then ends it with what was charged', async () => {
    const stream = () =>
      Promise.resolve({
        link: LINK,
        result: streamOf([openAiChunk('Hel'), openAiChunk('lo')], { usage: USAGE }),
        attempts: [],
      });
    const { handle, response, finished, relayed } = serviceOver({ stream });
    await handle(true);
    expect(relayed).toEqual(['Hel', 'lo', 'end 42']);
    expect(finished).toEqual([expect.objectContaining({ usage: USAGE, clientDisconnected: false })]);
    expect(response.writableEnded).toBe(true);
  });

  it('charges a stream that failed mid-way for what it produced, without falling back or releasing', async () => {
    const stream = jest.fn(() =>
      Promise.resolve({
        link: LINK,
        result: streamOf([openAiChunk('Hel')], { failAfter: true }),
        attempts: [],
      }),
    );
    const { handle, finished, failed, relayed } = serviceOver({ stream });
    await handle(true);
    expect(stream).toHaveBeenCalledTimes(1);
    expect(failed).toEqual([]);
    expect(finished).toEqual([expect.objectContaining({ finishReason: 'error', usageEstimated: true })]);
    expect(relayed).toEqual(['Hel', 'fail upstream_stream_error']);
  });

  it('stops a stream whose reader left, and charges what was produced', async () => {
    let response: FakeResponse | null = null;
    let signal: AbortSignal | null = null;
    const stream = (_planned: PlannedRequest, aborted: AbortSignal) => {
      signal = aborted;
      const items = [openAiChunk('Hel'), openAiChunk('lo')];
      return Promise.resolve({
        link: LINK,
        result: streamOf(items, { during: () => response?.leave() }),
        attempts: [],
      });
    };
    const over = serviceOver({ stream });
    response = over.response;
    await over.handle(true);
    expect(signal!.aborted).toBe(true);
    expect(over.relayed).toEqual(['Hel']);
    expect(over.finished).toEqual([expect.objectContaining({ clientDisconnected: true })]);
  });

  it('opens a stream only once its hold is stored, and sends nothing when it was not stored after all', async () => {
    let refuse!: (error: Error) => void;
    const stored = new Promise<void>((_resolve, reject) => (refuse = reject));
    let closed = false;
    const stream = jest.fn(() =>
      Promise.resolve({
        link: LINK,
        result: { ...streamOf([openAiChunk('Hel')]), close: () => (closed = true) },
        attempts: [],
      }),
    );
    const { handle, response, finished, failed, relayed } = serviceOver({ stream }, undefined, {
      id: 'hold',
      amountMicros: 10n,
      stored,
    });
    const handled = handle(true);
    await new Promise((resolve) => setImmediate(resolve));
    // The upstream call started while the hold was being stored; the client has seen nothing yet.
    expect(stream).toHaveBeenCalledTimes(1);
    expect(response.headersSent).toBe(false);
    const refusal = new Error('the account moved: insufficient credits');
    refuse(refusal);
    await expect(handled).rejects.toBe(refusal);
    expect(closed).toBe(true);
    expect([response.headersSent, response.written, relayed, finished]).toEqual([false, '', [], []]);
    expect(failed).toEqual([refusal]);
  });

  it("stops a plain answer's upstream call once its hold turns out not to be stored, and fails with why", async () => {
    let refuse!: (error: Error) => void;
    const stored = new Promise<void>((_resolve, reject) => (refuse = reject));
    const complete = (_planned: PlannedRequest, signal: AbortSignal) =>
      new Promise<never>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error)),
      );
    const { handle, response, finished, failed } = serviceOver({ complete }, undefined, {
      id: 'hold',
      amountMicros: 10n,
      stored,
    });
    const handled = handle();
    await new Promise((resolve) => setImmediate(resolve));
    const refusal = new Error('insufficient credits once the account was current');
    refuse(refusal);
    await expect(handled).rejects.toBe(refusal);
    expect([response.body, finished, failed]).toEqual([null, [], [refusal]]);
  });
});
