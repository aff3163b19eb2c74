import type { components } from './schema';

export type Schemas = components['schemas'];

/** Answers the OpenAPI document gives no schema for; the routes and their inputs are typed from it. */
export interface LocalUserView {
  host: string;
  username: string;
  shell: string;
  full_name: string;
  groups: string[];
  sudo: boolean;
  has_password: boolean;
  locked: boolean;
  expires_on: string | null;
  state: 'pending' | 'applied' | 'failed' | string;
  deleting: boolean;
  on_host: boolean | null;
  last_outcome: { revision: string; status?: string; error?: string | null } | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

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

export interface FinanceUsageRow {
  user_id?: string;
  requests?: string;
  cost_micros?: string;
  [column: string]: unknown;
}
