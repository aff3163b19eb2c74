import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { paths } from '../../api/schema';
import { api, ApiProblem, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataTable } from '../../components/data-table';
import { Empty, Failure, Loading } from '../../components/states';
import { saveFile } from './save-file';
import { Verification } from './verification';

type EventsQuery = NonNullable<paths['/api/v1/audit/events']['get']['parameters']['query']>;
export type Filter = Omit<EventsQuery, 'cursor' | 'limit'>;
type Category = NonNullable<Filter['category']>;

/** Every category the API knows, named for people; the type check fails when the API adds or drops one. */
const CATEGORIES: Record<Category, string> = {
  'api-keys-': 'API keys',
  'credit-account-': 'Credit accounts',
  'host-': 'Hosts',
  'llm-catalog-': 'LLM catalog',
  'llm-request-': 'LLM requests',
  'local-user-': 'Local users',
  'privacy-': 'Privacy',
  'provider-health-': 'Provider health',
  'provider-keys-': 'Provider keys',
  'subject-access-': 'Subject access',
  'subscription-': 'Subscriptions',
};

const FIELDS = ['stream', 'category', 'type', 'actor', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];
type Draft = Record<Field, string>;

const LABELS: Record<Field, string> = {
  stream: 'Stream',
  category: 'Category',
  type: 'Event type',
  actor: 'Actor',
  from: 'Recorded from',
  to: 'Recorded before',
};

/** A `datetime-local` value is the person's own time zone; the API wants an instant with its offset. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

function filterOf(draft: Draft): Filter {
  const filter: Filter = {
    stream: draft.stream.trim() || undefined,
    category: (draft.category || undefined) as Category | undefined,
    type: draft.type.trim() || undefined,
    actor: draft.actor.trim() || undefined,
    from: instant(draft.from),
    to: instant(draft.to),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Filter;
}

const PAGE_SIZE = 20;

function Download({ filter }: { filter: Filter }) {
  const download = useMutation({
    mutationFn: async () => {
      const events = await body(
        api.GET('/api/v1/audit/events', {
          params: { query: filter, header: { accept: 'application/x-ndjson' } },
          parseAs: 'blob',
        }),
      );
      saveFile(events, 'events.ndjson');
    },
  });
  return (
    <Stack direction="row" spacing={1} alignItems="center">
      <Button variant="outlined" onClick={() => download.mutate()} disabled={download.isPending}>
        Download NDJSON
      </Button>
      {download.isError && <Failure error={download.error} what="the download" />}
    </Stack>
  );
}

type AuditEvent = Schemas['AuditEventView'];

/** One event as recorded: its data, metadata and hash chain link, verbatim. */
function EventDetails({ event, onClose }: { event: AuditEvent; onClose(): void }) {
  const { data, metadata, integrity, id, position } = event;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" aria-labelledby="event-title">
      <DialogTitle id="event-title">
        {event.type} – {event.stream} revision {event.revision}
      </DialogTitle>
      <DialogContent>
        <Typography
          component="pre"
          variant="body2"
          data-testid="event-json"
          sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontFamily: 'monospace', m: 0 }}
        >
          {JSON.stringify({ id, position, data, metadata, integrity }, null, 2)}
        </Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

/** The log, filtered as the events API allows, a page at a time; the same filter downloads as NDJSON. */
export function EventExplorer() {
  const [draft, setDraft] = useState<Draft>({
    stream: '',
    category: '',
    type: '',
    actor: '',
    from: '',
    to: '',
  });
  const [filter, setFilter] = useState<Filter>({});
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const pages = useCursorPages(filter);
  const { cursor } = pages;
  const page = useQuery({
    queryKey: ['audit-events', filter, cursor],
    queryFn: () =>
      body(
        api.GET('/api/v1/audit/events', {
          params: { query: { ...filter, limit: PAGE_SIZE, cursor }, header: { accept: 'application/json' } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const problem = page.error instanceof ApiProblem ? page.error : null;
  const named = FIELDS.some((field) => problem?.on(field));
  const set = (field: Field) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  return (
    <Stack spacing={2}>
      <Grid
        container
        spacing={1}
        component="form"
        aria-label="Filter events"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(filterOf(draft));
        }}
      >
        {FIELDS.map((field) => (
          <Grid key={field} size={{ xs: 12, sm: 6, md: 4 }}>
            <TextField
              fullWidth
              size="small"
              id={`filter-${field}`}
              label={LABELS[field]}
              value={draft[field]}
              onChange={set(field)}
              select={field === 'category'}
              type={field === 'from' || field === 'to' ? 'datetime-local' : 'text'}
              slotProps={field === 'from' || field === 'to' ? { inputLabel: { shrink: true } } : undefined}
              placeholder={field === 'stream' ? 'credit-account-alice' : undefined}
              error={Boolean(problem?.on(field))}
              helperText={problem?.on(field)}
            >
              {field === 'category' && [
                <MenuItem key="" value="">
                  Any
                </MenuItem>,
                ...Object.entries(CATEGORIES).map(([value, label]) => (
                  <MenuItem key={value} value={value}>
                    {label}
                  </MenuItem>
                )),
              ]}
            </TextField>
          </Grid>
        ))}
        <Grid size={12}>
          <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
            <Button type="submit" variant="contained">
              Apply filters
            </Button>
            <Download filter={filter} />
          </Stack>
        </Grid>
      </Grid>
      {filter.stream && <Verification stream={filter.stream} />}
      <Typography variant="h6" component="h3">
        {filter.stream ? `Events of ${filter.stream}` : 'Events'}
      </Typography>
      {page.isPending ? (
        <Loading what="events" />
      ) : page.isError ? (
        !named && <Failure error={page.error} what="events" />
      ) : page.data.items.length === 0 ? (
        <Empty title="No events match">Widen the filters, or clear them to see the whole log.</Empty>
      ) : (
        <>
          <DataTable
            label="Events"
            rows={page.data.items}
            rowKey={(event) => event.id}
            rowTestId={() => 'event-row'}
            onRowClick={(event) => setOpen(event)}
            columns={[
              { title: 'Stream', cell: (event) => event.stream },
              { title: 'Revision', cell: (event) => event.revision, align: 'right' },
              { title: 'Type', cell: (event) => event.type },
              { title: 'Actor', cell: (event) => String(event.metadata.actor ?? '–'), wideOnly: true },
              {
                title: 'Recorded',
                cell: (event) => new Date(event.recorded_at).toLocaleString(),
                wideOnly: true,
              },
            ]}
          />
          <Pager pages={pages} next={page.data.next_cursor} />
        </>
      )}
      {open && <EventDetails event={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
