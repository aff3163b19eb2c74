import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { CatalogChangeSource, LlmCatalogEvent, ModelChange } from './llm-catalog.events';

export interface ChangeCatalog {
  type: 'ChangeCatalog';
  /** The version the changes were computed against: a diff of an older catalog must be redone. */
  basedOnVersion: number;
  source: CatalogChangeSource;
  changes: ModelChange[];
}

export type LlmCatalogCommand = ChangeCatalog;

export interface LlmCatalogState {
  readonly version: number;
}

/** Catalog changes apply in order, each to the catalog its diff was computed on. */
export const llmCatalogDecider: Decider<LlmCatalogCommand, LlmCatalogEvent, LlmCatalogState> = {
  initialState: { version: 0 },
  decide(command, state) {
    if (command.basedOnVersion !== state.version) {
      throw new DomainError(
        'conflict',
        `the catalog is at version ${state.version}, not ${command.basedOnVersion}: compute the changes again`,
      );
    }
    if (command.changes.length === 0) return [];
    return [
      {
        type: 'CatalogModelsChanged',
        data: { version: state.version + 1, source: command.source, changes: command.changes },
      },
    ];
  },
  evolve(_state, event) {
    return { version: event.data.version };
  },
};
