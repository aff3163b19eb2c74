import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState } from 'react';

type Cursors = (string | undefined)[];

/** Keyset paging: the cursors of the pages before this one, so Previous works without offsets. */
export interface CursorPages {
  /** The cursor of the page shown now (undefined: the first page). */
  readonly cursor: string | undefined;
  readonly cursors: Cursors;
  go(cursors: Cursors): void;
}

/** Paging state for one table; it starts over on the first page whenever `scope` changes. */
export function useCursorPages(scope: unknown): CursorPages {
  const [state, setState] = useState<{ scope: unknown; cursors: Cursors }>({ scope, cursors: [undefined] });
  const cursors = Object.is(state.scope, scope) ? state.cursors : [undefined];
  return { cursor: cursors[cursors.length - 1], cursors, go: (next) => setState({ scope, cursors: next }) };
}

export function Pager({ pages, next }: { pages: CursorPages; next: string | null | undefined }) {
  const { cursors, go } = pages;
  return (
    <Stack direction="row" spacing={1} justifyContent="flex-end" sx={{ mt: 1 }}>
      <Button disabled={cursors.length <= 1} onClick={() => go(cursors.slice(0, -1))}>
        Previous
      </Button>
      <Button disabled={!next} onClick={() => next && go([...cursors, next])}>
        Next
      </Button>
    </Stack>
  );
}
