import { fakeEmbedding, FAKE_EMBEDDING_DIMENSIONS } from './fake-openai-provider';
import {
  type FakeBehaviour,
  type FakeProvider,
  type FakeProviderOptions,
  type FakeReply,
  type FakeRequest,
  startFakeProvider,
} from './fake-provider';

const PIPELINE = /^\/hf-inference\/models\/(.+)\/pipeline\/feature-extraction$/;

/**
 * Hugging Face's router, its `baseUrl` ending in `/v1` as `https://router.huggingface.co/v1` does,
 * for embeddings only: `POST /hf-inference/models/<model>/pipeline/feature-extraction` with
 * `{inputs: string | string[]}`, answered with bare vectors (one, or one per input) and no usage;
 * `Authorization: Bearer` required; errors as `{error: "…"}`.
 */
export function startFakeHuggingFaceProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const reply = (request: FakeRequest, behaviour: FakeBehaviour): FakeReply => {
    const key = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (request.keys !== null && !request.keys.has(key))
      return error(401, 'Invalid credentials in Authorization header');
    const model = PIPELINE.exec(request.path)?.[1];
    if (request.method !== 'POST' || !model) return error(404, 'Not Found');
    if (options.models && !options.models.includes(model)) return error(404, `Model ${model} does not exist`);
    if (behaviour.status && behaviour.status >= 400)
      return error(behaviour.status, behaviour.errorMessage ?? 'failed on purpose');
    const body = request.body as { inputs?: unknown } | null;
    const inputs = body?.inputs;
    const texts = typeof inputs === 'string' ? [inputs] : inputs;
    if (!Array.isArray(texts) || texts.length === 0 || !texts.every((text) => typeof text === 'string')) {
      return error(400, 'inputs must be a string or a list of strings');
    }
    const vectors = texts.map((text) => fakeEmbedding(text, FAKE_EMBEDDING_DIMENSIONS));
    return { kind: 'json', status: 200, body: typeof inputs === 'string' ? vectors[0] : vectors };
  };
  return startFakeProvider(
    { basePath: '/v1', isCompletion: (request) => PIPELINE.test(request.path), reply },
    options,
  );
}

function error(status: number, message: string): FakeReply {
  return { kind: 'json', status, body: { error: message } };
}
