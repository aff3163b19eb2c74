import type { components } from './schema';

export type Schemas = components['schemas'];

export type LocalUserView = Schemas['LocalUserView'];
export type HostView = Schemas['HostView'];

/** Answers the OpenAPI document gives no schema for; the routes and their inputs are typed from it. */

export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}
