/**
 * OpenAI's embeddings wire format (`POST /embeddings`), which every provider that serves embeddings
 * here speaks: OpenAI, Together, Fireworks, DeepInfra, Ollama and vLLM on their OpenAI-compatible paths.
 */

/** Text, texts, one tokenized text or several, as OpenAI accepts them. */
export type EmbeddingsInput = string | string[] | number[] | number[][];

export interface EmbeddingsRequest {
  model: string;
  input: EmbeddingsInput;
  dimensions?: number;
  encoding_format?: 'float' | 'base64';
  user?: string;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  /** Floats, or (when the client asked for base64) the little-endian float32 bytes in base64. */
  embedding: number[] | string;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number };
}

/** The vector as OpenAI sends it for `encoding_format: base64`: float32, little-endian, base64. */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}
