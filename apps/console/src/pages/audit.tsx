import { Pager, useCursorPages } from '../components/cursor-pages';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { api, body, bodyAs } from '../api/client';
import type { StreamVerification } from '../api/views';
import { Empty, Failure, Loading } from '../components/states';

function Verification({ stream }: { stream: string }) {
  const report = useQuery({
    queryKey: ['verify', stream],
    queryFn: () =>
      bodyAs<StreamVerification>(
        api.GET('/api/v1/audit/streams/{stream}/verify', { params: { path: { stream } } }),
      ),
  });
  if (report.isPending) return <Loading what="the verification" />;
  if (report.isError) return <Failure error={report.error} what="the verification" />;
  const { ok, events, problems, problems_total } = report.data;
  if (ok) {
    return (
      <Alert severity="success" data-testid="verification">
        {stream}: the hash chain of its {events} events is intact.
      </Alert>
    );
  }
  const first = problems[0];
  return (
    <Alert severity="error" data-testid="verification">
      <Typography fontWeight="bold">
        {stream}: the chain breaks at revision {first?.revision ?? '?'} ({problems_total} problem
        {problems_total === 1 ? '' : 's'})
      </Typography>
      <ul>
        {problems.slice(0, 10).map((problem) => (
          <li key={`${problem.revision}-${problem.problem}`}>
            revision {problem.revision}: {problem.problem} – {problem.detail}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

function Events({ stream }: { stream: string }) {
  const pages = useCursorPages(stream);
  const { cursor } = pages;
  const page = useQuery({
    queryKey: ['audit-events', stream, cursor],
    queryFn: () =>
      body(
        api.GET('/api/v1/audit/events', {
          params: {
            query: stream ? { stream, limit: 20, cursor } : { limit: 20, cursor },
            header: { accept: 'application/json' },
          },
        }),
      ),
  });
  if (page.isPending) return <Loading what="events" />;
  if (page.isError) return <Failure error={page.error} what="events" />;
  if (page.data.items.length === 0) return <Empty title="No events match" />;
  return (
    <>
      <DataTable
        label="Events"
        rows={page.data.items}
        rowKey={(event) => event.id}
        columns={[
          { title: 'Stream', cell: (event) => event.stream },
          { title: 'Revision', cell: (event) => event.revision },
          { title: 'Type', cell: (event) => event.type },
          {
            title: 'Recorded',
            cell: (event) => new Date(event.recorded_at).toLocaleString(),
            wideOnly: true,
          },
        ]}
      />
      <Pager pages={pages} next={page.data.next_cursor} />
    </>
  );
}

export function AuditPage() {
  const [text, setText] = useState('');
  const [stream, setStream] = useState('');
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Audit
      </Typography>
      <Stack
        direction="row"
        spacing={1}
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          setStream(text.trim());
        }}
      >
        <TextField
          size="small"
          label="Stream"
          placeholder="credit-account-alice"
          value={text}
          onChange={(event) => setText(event.target.value)}
          sx={{ flexGrow: 1 }}
        />
        <Button type="submit" variant="contained">
          Verify
        </Button>
      </Stack>
      {stream && <Verification stream={stream} />}
      <Typography variant="h6" component="h3">
        {stream ? `Events of ${stream}` : 'Latest events'}
      </Typography>
      <Events key={stream} stream={stream} />
    </Stack>
  );
}
