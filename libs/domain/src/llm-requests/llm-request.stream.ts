/** Each routed request has its own stream: routed, then completed or failed. */
export const LLM_REQUEST_CATEGORY = 'llm-request-';

export function llmRequestStream(requestId: string): string {
  return `${LLM_REQUEST_CATEGORY}${requestId}`;
}
