import type {
  Margin,
  Micros,
  ModelInfo,
  PowerLevel,
  RoutingControls,
  TaskKind,
  UpstreamAttempt,
} from '@ops/domain';
import type { CommandContext } from '@ops/infra/event-sourcing/command-context';
import type { AnthropicRequest, ChatCompletionRequest } from '@ops/infra/llm-upstream';

/** Who is calling, from the guard: a user id, and the API key when one was used. */
export interface GatewayCaller {
  userId: string;
  apiKeyId: string | null;
}

/** The per-request choices a client may make outside the OpenAI body (headers win over body fields). */
export interface RequestPreferences {
  powerLevel: string | undefined;
  privacy: boolean | undefined;
  /** OpenRouter's `models` and `provider` controls, validated at the edge. */
  routing?: RoutingControls;
}

export interface ChainLink {
  model: ModelInfo;
  byok: boolean;
  reason: string;
}

/** A Messages client's own request and the `anthropic-beta` header it came with, for an Anthropic link. */
export interface AnthropicInbound {
  request: AnthropicRequest;
  beta: string | null;
}

/** What every routed body has: the model asked for, and whether the answer streams. */
export interface RoutedBody {
  model: string;
  stream?: boolean | null;
}

/** Everything decided before the first upstream call, for a chat completion or another routed body. */
export interface PlannedRequest<B extends RoutedBody = ChatCompletionRequest> {
  requestId: string;
  caller: GatewayCaller;
  context: CommandContext;
  /** The request as OpenAI's wire has it (a chat request, embeddings): what routing, the hold and the ledger read. */
  body: B;
  /** A Messages client's own request, sent as it is when the link is Anthropic; null for other clients. */
  anthropic: AnthropicInbound | null;
  tier: string;
  powerLevel: PowerLevel;
  /** The power level's cost ceiling for one request: what `auto` held the chain to. */
  ceilingMicros: Micros;
  /** The markup the chain's worst cases were charged with. */
  margin: Margin;
  /** The request's own routing controls, when it sent any. */
  controls: RoutingControls | null;
  task: TaskKind;
  privacy: boolean;
  /** Every input token of the request, as estimated for the hold. */
  promptTokens: number;
  /** The client's own output limit, or null: the model's cap then applies. */
  maxTokens: number | null;
  chain: readonly ChainLink[];
  /** The catalog version the chain's models (and so their prices) were taken from. */
  catalogVersion: number;
  reservation: Reservation | null;
  startedAt: number;
}

/**
 * The request's credit hold. The upstream call may start before it is stored; `stored` (see
 * RequestCredits.reserve) must resolve before anything is answered, settled or released.
 */
export interface Reservation {
  id: string;
  amountMicros: bigint;
  stored: Promise<void>;
}

export interface AttemptLog {
  attempts: UpstreamAttempt[];
}
