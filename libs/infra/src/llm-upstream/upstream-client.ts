import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
import {
  ANTHROPIC_VERSION,
  type AnthropicRequest,
  type AnthropicResponse,
  type AnthropicStreamEvent,
} from './anthropic/anthropic-wire';
import { toAnthropicRequest } from './anthropic/translate-request';
import { fromAnthropicResponse, upstreamUsageOf } from './anthropic/translate-response';
import { AnthropicEventReader, AnthropicStreamTranslator } from './anthropic/translate-stream';
import type { EmbeddingsRequest, EmbeddingsResponse } from './embeddings-wire';
import { OpenAiStreamTranslator } from './openai-stream';
import { upstreamUsageOfOpenAi, type ChatCompletion, type ChatCompletionRequest } from './openai-wire';
import { ReadAhead } from './read-ahead';
import { RequestAbort } from './request-abort';
import { retryAfterMsOf } from './retry-after';
import { SseParser, type SseEvent } from './sse-parser';
import { transportError } from './transport-error';
import { errorKindOfStatus, unsupportedRequest, UpstreamError, upstreamMessageOf } from './upstream-error';
import type { UpstreamStream, UpstreamTarget, UpstreamUsage } from './upstream-target';

export const UPSTREAM_CLIENT_OPTIONS = Symbol('UPSTREAM_CLIENT_OPTIONS');

export interface UpstreamClientOptions {
  /** Keep-alive connections kept per upstream origin (requests beyond wait for one). Default 256. */
  connectionsPerOrigin?: number;
  /** Longest silence allowed between two pieces of a response body. Default 120 s. */
  bodyTimeoutMs?: number;
  /** `max_tokens` sent to Anthropic when the request sets no limit. Default 4096. */
  defaultMaxTokens?: number;
}

interface StreamTranslator<T> {
  readonly complete: boolean;
  translateSse(event: SseEvent): T[];
  usage(): UpstreamUsage | null;
}

interface Endpoint {
  origin: string;
  basePath: string;
}

type BodyReadable = Dispatcher.ResponseData['body'];

/**
 * Talks to one upstream LLM provider per call, over keep-alive connections pooled per origin (undici).
 * OpenAI-compatible providers get the request as is (model replaced); Anthropic gets it translated to
 * the Messages API and its answers translated back, so `complete` and `stream` only ever give OpenAI
 * shapes. A client that speaks the Messages API itself reaches Anthropic through `messages` and
 * `messagesStream`, untranslated both ways.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly bodyTimeoutMs: number;
  private readonly defaultMaxTokens: number;
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(@Optional() @Inject(UPSTREAM_CLIENT_OPTIONS) options: UpstreamClientOptions = {}) {
    this.agent = new Agent({ connections: options.connectionsPerOrigin ?? 256 });
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 120_000;
    this.defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  }

  async complete(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<{ body: ChatCompletion; usage: UpstreamUsage | null }> {
    const created = Math.floor(Date.now() / 1000);
    const abort = new RequestAbort(signal, target.timeoutMs);
    try {
      if (target.wireFormat === 'anthropic') {
        const payload = toAnthropicRequest(request, target.model, {
          defaultMaxTokens: this.defaultMaxTokens,
          stream: false,
        });
        const response = await this.send(target, 'POST', '/messages', payload, abort, signal);
        const message = await readJson<AnthropicResponse>(response.body, signal, 'content');
        return {
          body: fromAnthropicResponse(message, target.model, created),
          usage: message.usage ? upstreamUsageOf(message.usage) : null,
        };
      }
      // Dropped rather than set to false: OpenAI rejects `stream_options` unless `stream` is on.
      const { stream: _stream, stream_options: _streamOptions, ...rest } = request;
      const payload = { ...rest, model: target.model };
      const response = await this.send(target, 'POST', '/chat/completions', payload, abort, signal);
      const body = await readJson<ChatCompletion>(response.body, signal, 'choices');
      body.model = target.model;
      const usage = body.usage ? upstreamUsageOfOpenAi(body.usage) : null;
      return { body, usage };
    } finally {
      abort.release();
    }
  }

  /** Resolves once the upstream answered 2xx; any failure before that rejects with an `UpstreamError`. */
  stream(
    target: UpstreamTarget,
    request: ChatCompletionRequest,
    signal?: AbortSignal,
  ): Promise<UpstreamStream> {
    if (target.wireFormat === 'anthropic') {
      const payload = toAnthropicRequest(request, target.model, {
        defaultMaxTokens: this.defaultMaxTokens,
        stream: true,
      });
      const translator = new AnthropicStreamTranslator(target.model, Math.floor(Date.now() / 1000));
      return this.openStream(target, '/messages', payload, translator, signal);
    }
    const payload = {
      ...request,
      model: target.model,
      stream: true,
      stream_options: { ...request.stream_options, include_usage: true },
    };
    return this.openStream(
      target,
      '/chat/completions',
      payload,
      new OpenAiStreamTranslator(target.model),
      signal,
    );
  }

  /** A Messages request sent to Anthropic as it is (model replaced), its Message returned as it came. */
  async messages(
    target: UpstreamTarget,
    request: AnthropicRequest,
    signal?: AbortSignal,
  ): Promise<{ body: AnthropicResponse; usage: UpstreamUsage | null }> {
    const abort = new RequestAbort(signal, target.timeoutMs);
    try {
      const payload = { ...request, model: target.model, stream: false };
      const response = await this.send(target, 'POST', '/messages', payload, abort, signal);
      const message = await readJson<AnthropicResponse>(response.body, signal, 'content');
      return { body: message, usage: message.usage ? upstreamUsageOf(message.usage) : null };
    } finally {
      abort.release();
    }
  }

  /** Like `messages`, streamed: Anthropic's events as they came, `error` events thrown as `UpstreamError`. */
  messagesStream(
    target: UpstreamTarget,
    request: AnthropicRequest,
    signal?: AbortSignal,
  ): Promise<UpstreamStream<AnthropicStreamEvent>> {
    const payload = { ...request, model: target.model, stream: true };
    return this.openStream(target, '/messages', payload, new AnthropicEventReader(), signal);
  }

  /**
   * Embeddings, always asked for as floats: the gateway encodes base64 itself, so every provider's
   * answer reaches the client in the encoding it asked for. Anthropic serves none.
   */
  async embed(
    target: UpstreamTarget,
    request: EmbeddingsRequest,
    signal?: AbortSignal,
  ): Promise<{ body: EmbeddingsResponse; usage: UpstreamUsage | null }> {
    if (target.wireFormat !== 'openai') {
      throw new UpstreamError('bad_request', `${target.provider} serves no embeddings`, 400);
    }
    if (target.provider === 'huggingface') return this.extractFeatures(target, request, signal);
    const abort = new RequestAbort(signal, target.timeoutMs);
    try {
      const payload = { ...request, model: target.model, encoding_format: 'float' };
      const response = await this.send(target, 'POST', '/embeddings', payload, abort, signal);
      const body = await readJson<EmbeddingsResponse>(response.body, signal, 'data');
      if (!Array.isArray(body.data) || body.data.some((item) => !Array.isArray(item?.embedding))) {
        throw new UpstreamError('server_error', 'upstream answered embeddings in an unexpected shape', 200);
      }
      const usage = body.usage ? { inputTokens: body.usage.prompt_tokens, outputTokens: 0 } : null;
      return { body, usage };
    } finally {
      abort.release();
    }
  }

  /**
   * Hugging Face's router serves embeddings through its own inference's feature-extraction pipeline,
   * not OpenAI's `/embeddings`: `POST <router>/hf-inference/models/<model>/pipeline/feature-extraction`
   * with `{inputs}`, answered with bare vectors and no token count (the gateway estimates it).
   */
  private async extractFeatures(
    target: UpstreamTarget,
    request: EmbeddingsRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ body: EmbeddingsResponse; usage: UpstreamUsage | null }> {
    const inputs = typeof request.input === 'string' ? [request.input] : request.input;
    if (!inputs.every((input): input is string => typeof input === 'string')) {
      throw unsupportedRequest('huggingface embeds text only, not token ids');
    }
    if (request.dimensions !== undefined)
      throw unsupportedRequest('huggingface serves no shortened vectors (dimensions)');
    const abort = new RequestAbort(signal, target.timeoutMs);
    try {
      const root = this.endpointOf(target.baseUrl).basePath.replace(/\/v1$/, '');
      const path = `${root}/hf-inference/models/${target.model}/pipeline/feature-extraction`;
      const response = await this.send(target, 'POST', path, { inputs }, abort, signal, { rooted: true });
      const vectors = await readVectors(response.body, signal, inputs.length);
      const data = vectors.map((embedding, index) => ({ object: 'embedding' as const, index, embedding }));
      return { body: { object: 'list', data, model: target.model }, usage: null };
    } finally {
      abort.release();
    }
  }

  /** The model ids the key may use; a cheap way to check a key (401 → `UpstreamError` kind `auth`). */
  async listModels(target: UpstreamTarget): Promise<string[]> {
    const path = target.wireFormat === 'anthropic' ? '/models?limit=1000' : '/models';
    const abort = new RequestAbort(undefined, target.timeoutMs);
    try {
      const response = await this.send(target, 'GET', path, undefined, abort, undefined);
      const list = await readJson<{ data: Array<{ id: string }> }>(response.body, undefined, 'data');
      return list.data.map((model) => model.id);
    } finally {
      abort.release();
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  private async openStream<T>(
    target: UpstreamTarget,
    path: string,
    payload: object,
    translator: StreamTranslator<T>,
    signal: AbortSignal | undefined,
  ): Promise<UpstreamStream<T>> {
    const abort = new RequestAbort(signal, target.timeoutMs);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.send(target, 'POST', path, payload, abort, signal);
    } catch (error) {
      abort.release();
      throw error;
    }
    const body = new ReadAhead(response.body);
    const state = { closedByCaller: false };
    return {
      chunks: readChunks(body, translator, signal, state, abort),
      usage: () => translator.usage(),
      close: () => {
        state.closedByCaller = true;
        abort.release();
        body.destroy();
      },
    };
  }

  private async send(
    target: UpstreamTarget,
    method: 'GET' | 'POST',
    path: string,
    payload: object | undefined,
    abort: RequestAbort,
    signal: AbortSignal | undefined,
    /** `rooted`: the path is from the origin, not under the base URL's path. */
    { rooted = false }: { rooted?: boolean } = {},
  ): Promise<Dispatcher.ResponseData> {
    const { origin, basePath } = this.endpointOf(target.baseUrl);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin,
        path: rooted ? path : basePath + path,
        method,
        headers: headersFor(target, payload !== undefined),
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: abort.signal,
        bodyTimeout: this.bodyTimeoutMs,
      });
    } catch (error) {
      throw transportError(error, signal);
    }
    abort.headersArrived();
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = await response.body.text().catch(() => '');
    throw new UpstreamError(
      errorKindOfStatus(response.statusCode),
      upstreamMessageOf(text),
      response.statusCode,
      retryAfterMsOf(response.headers, Date.now()),
    );
  }

  private endpointOf(baseUrl: string): Endpoint {
    let endpoint = this.endpoints.get(baseUrl);
    if (!endpoint) {
      const url = new URL(baseUrl);
      endpoint = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
      this.endpoints.set(baseUrl, endpoint);
    }
    return endpoint;
  }
}

function headersFor(target: UpstreamTarget, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
  if (hasBody) headers['content-type'] = 'application/json';
  if (target.wireFormat === 'anthropic') {
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    if (target.beta) headers['anthropic-beta'] = target.beta;
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
  } else if (target.apiKey) {
    headers.authorization = `Bearer ${target.apiKey}`;
  }
  return headers;
}

async function* readChunks<T>(
  body: ReadAhead,
  translator: StreamTranslator<T>,
  signal: AbortSignal | undefined,
  state: { closedByCaller: boolean },
  abort: RequestAbort,
): AsyncGenerator<T> {
  const parser = new SseParser();
  // Streaming mode keeps a multi-byte character split between two network reads whole.
  const decoder = new TextDecoder();
  let ended = false;
  try {
    for await (const bytes of body) {
      for (const event of parser.push(decoder.decode(bytes, { stream: true }))) {
        for (const chunk of translator.translateSse(event)) yield chunk;
      }
    }
    ended = true;
  } catch (error) {
    if (state.closedByCaller) return;
    throw transportError(error, signal);
  } finally {
    abort.release();
    // Leaving early (the caller broke out, or an error) must free the upstream: reading on would cost tokens.
    if (!ended) body.destroy();
  }
  if (!translator.complete) {
    throw new UpstreamError('connection', 'upstream closed the stream before it finished');
  }
}

/** Feature extraction's answer: one vector of numbers per input, in order. */
async function readVectors(
  body: BodyReadable,
  signal: AbortSignal | undefined,
  count: number,
): Promise<number[][]> {
  let parsed: unknown;
  try {
    parsed = await body.json();
  } catch (error) {
    if (signal?.aborted) throw transportError(error, signal);
    throw new UpstreamError('server_error', 'upstream answered with malformed JSON', 200);
  }
  const isVector = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number');
  if (!Array.isArray(parsed) || parsed.length !== count || !parsed.every(isVector)) {
    throw new UpstreamError(
      'server_error',
      'upstream answered feature extraction in an unexpected shape',
      200,
    );
  }
  return parsed;
}

/** Parses a 2xx body, which some providers use for errors too (OpenRouter: `200 {error: …}`). */
async function readJson<T extends object>(
  body: BodyReadable,
  signal: AbortSignal | undefined,
  expected: keyof T,
): Promise<T> {
  let text: string;
  try {
    text = await body.text();
  } catch (error) {
    throw transportError(error, signal);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamError('server_error', 'upstream answered with malformed JSON', 200);
  }
  if (typeof parsed !== 'object' || parsed === null || !(expected in parsed)) {
    throw new UpstreamError('server_error', upstreamMessageOf(text), 200);
  }
  return parsed as T;
}
