import type { components } from './schema';

export type Schemas = components['schemas'];

export type LocalUserView = Schemas['LocalUserView'];

/** Answers the OpenAPI document gives no schema for; the routes and their inputs are typed from it. */
export interface HostView {
  host_id: string;
  name: string;
}

export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}

export interface IntegrityProblem {
  stream: string;
  revision: string;
  problem: string;
  detail: string;
}

export interface StreamVerification {
  stream: string;
  events: number;
  ok: boolean;
  problems: IntegrityProblem[];
  problems_total: number;
}

export interface ProviderHealthView {
  provider: string;
  configured: boolean;
  status: 'up' | 'degraded' | 'down';
  error_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  samples: number;
  cooling_down_until: string | null;
}
