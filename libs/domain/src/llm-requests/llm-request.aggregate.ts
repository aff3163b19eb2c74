import { aggregate } from '../shared/aggregate';
import { llmRequestDecider } from './llm-request.decider';
import { LLM_REQUEST_SCHEMA_VERSIONS } from './llm-request.events';
import { llmRequestStream } from './llm-request.stream';

/** One routed gateway request: its route and its outcome. */
export const llmRequest = aggregate(llmRequestStream, llmRequestDecider, LLM_REQUEST_SCHEMA_VERSIONS);
