import { streamCategory } from '@ops/domain';
import { readExportFile } from './export-file-reader';

export interface CategoryFold {
  category: string;
  streams: number;
  events: number;
  event_types: Record<string, number>;
  /** The newest event of the category, by log position. */
  last_position: string | null;
}

export interface ReplaySummary {
  events: number;
  streams: number;
  categories: CategoryFold[];
  /** Lines the reader refused; a replay of a damaged file still folds what it can. */
  malformed: string[];
}

/**
 * `host-web-1` → `host-`, `llm-request-<uuid>` → `llm-request-`: the prefix the domain named the
 * stream with. A stream it did not name (`audit-digests`) is a category of its own: ids hold dashes,
 * so any cut elsewhere would be a guess.
 */
export function categoryOf(stream: string): string {
  return streamCategory(stream) ?? stream;
}

/**
 * Folds an export file's events into per-category figures, stream by stream in the file's order:
 * streams, events, how many of each type, and the newest position seen. Memory grows with the
 * categories and event types, not with the events.
 */
export async function replayExportFile(path: string): Promise<ReplaySummary> {
  const categories = new Map<string, CategoryFold>();
  let streams = 0;
  let lastStream: string | null = null;
  const summary = await readExportFile(path, {
    onEvent: (event) => {
      const category = categoryOf(event.stream);
      let fold = categories.get(category);
      if (!fold) {
        fold = { category, streams: 0, events: 0, event_types: {}, last_position: null };
        categories.set(category, fold);
      }
      if (event.stream !== lastStream) {
        lastStream = event.stream;
        streams += 1;
        fold.streams += 1;
      }
      fold.events += 1;
      fold.event_types[event.type] = (fold.event_types[event.type] ?? 0) + 1;
      if (fold.last_position === null || event.position > fold.last_position)
        fold.last_position = event.position;
    },
  });
  return {
    events: summary.events,
    streams,
    categories: [...categories.values()].sort((a, b) => a.category.localeCompare(b.category)),
    malformed: summary.malformed.map(({ reason }) => reason),
  };
}
