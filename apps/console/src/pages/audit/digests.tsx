import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataTable } from '../../components/data-table';
import { Empty, Failure, Loading } from '../../components/states';
import { saveFile } from './save-file';

/** The stream every signed digest is appended to, one revision per digest. */
const DIGEST_STREAM = 'audit-digests';

type Progress = Schemas['LogVerificationProgressView'];
type Result = Schemas['LogVerificationResultView'];
type Line = Progress | Result | Schemas['LogVerificationErrorView'];

/** The NDJSON answer's lines, each as soon as it arrives. */
async function* lines(stream: ReadableStream<BufferSource>): AsyncGenerator<Line> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (line) yield JSON.parse(line) as Line;
    }
  }
}

function VerifyAll() {
  const [progress, setProgress] = useState<Progress | null>(null);
  const verify = useMutation({
    mutationFn: async (): Promise<Result> => {
      setProgress(null);
      const answer = await body(api.POST('/api/v1/audit/verify', { parseAs: 'stream' }));
      if (!answer) throw new Error('The verification answered with no body');
      for await (const line of lines(answer)) {
        if (line.type === 'progress') setProgress(line);
        else if (line.type === 'result') return line;
        else throw new Error(line.message);
      }
      throw new Error('The verification ended without a result');
    },
  });
  const result = verify.data;
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} alignItems="center">
        <Button variant="contained" onClick={() => verify.mutate()} disabled={verify.isPending}>
          Verify the whole log
        </Button>
        {verify.isPending && (
          <Typography variant="body2" color="text.secondary">
            {progress
              ? `${progress.events_checked} events in ${progress.streams_checked} streams checked…`
              : 'Starting…'}
          </Typography>
        )}
      </Stack>
      {verify.isPending && <LinearProgress aria-label="Verifying" />}
      {verify.isError && <Failure error={verify.error} what="the verification" />}
      {result && (
        <Alert severity={result.ok ? 'success' : 'error'} data-testid="log-verification">
          {result.ok
            ? `Every chain holds: ${result.events} events in ${result.streams} streams. `
            : `${result.problems_total} problems, the first at ${result.problems[0]?.stream ?? '?'} revision ${result.problems[0]?.revision ?? '?'}. `}
          {result.digest_chain.digests_checked} digests and {result.digest_chain.heads_checked} signed heads
          checked with key {result.digest_chain.key_id}
          {result.digest_chain.key_pinned ? ' (pinned).' : ' (not pinned: set AUDIT_PUBLIC_KEY).'}
        </Alert>
      )}
    </Stack>
  );
}

function SignDigest() {
  const queries = useQueryClient();
  const sign = useMutation({
    mutationFn: () => body(api.POST('/api/v1/audit/digests')),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['digests'] }),
  });
  const digest = sign.data;
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1}>
        <Button variant="outlined" onClick={() => sign.mutate()} disabled={sign.isPending}>
          Sign a digest now
        </Button>
        {digest && (
          <Button
            onClick={() =>
              saveFile(
                new Blob([JSON.stringify(digest, null, 2)], { type: 'application/json' }),
                `digest-${digest.sequence ?? digest.digest_id}.json`,
              )
            }
          >
            Save it
          </Button>
        )}
      </Stack>
      {sign.isError && <Failure error={sign.error} what="the digest" />}
      {digest && (
        <Alert severity="success" data-testid="signed-digest">
          Digest {digest.sequence} signed over {digest.stream_count} streams at position {digest.log_position}
          . Keep a copy outside this system.
        </Alert>
      )}
    </Stack>
  );
}

function PublicKey() {
  const key = useQuery({
    queryKey: ['digest-key'],
    queryFn: () => body(api.GET('/api/v1/audit/digests/public-key')),
  });
  if (key.isPending) return <Loading what="the public key" />;
  if (key.isError) return <Failure error={key.error} what="the public key" />;
  return (
    <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap" useFlexGap>
      <Typography variant="body2">
        {key.data.algorithm} key <code>{key.data.key_id}</code>
      </Typography>
      <Chip
        size="small"
        color={key.data.pinned ? 'success' : 'default'}
        label={key.data.pinned ? 'pinned' : 'not pinned (set AUDIT_PUBLIC_KEY)'}
      />
    </Stack>
  );
}

interface DigestData {
  digest?: { sequence?: number; created_at?: string; stream_count?: number; log_position?: string };
}

function DigestList() {
  const pages = useCursorPages(DIGEST_STREAM);
  const { cursor } = pages;
  const page = useQuery({
    queryKey: ['digests', cursor],
    queryFn: () =>
      body(
        api.GET('/api/v1/audit/events', {
          params: {
            query: { stream: DIGEST_STREAM, limit: 20, cursor },
            header: { accept: 'application/json' },
          },
        }),
      ),
  });
  if (page.isPending) return <Loading what="the digests" />;
  if (page.isError) return <Failure error={page.error} what="the digests" />;
  if (page.data.items.length === 0) {
    return (
      <Empty title="No digest signed yet">The projector signs one on its interval; sign one now above.</Empty>
    );
  }
  const digestOf = (data: Record<string, unknown>) => (data as DigestData).digest ?? {};
  return (
    <>
      <DataTable
        label="Digests"
        rows={page.data.items}
        rowKey={(event) => event.id}
        rowTestId={() => 'digest-row'}
        columns={[
          { title: 'Sequence', cell: (event) => digestOf(event.data).sequence ?? event.revision },
          {
            title: 'Signed',
            cell: (event) => new Date(digestOf(event.data).created_at ?? event.recorded_at).toLocaleString(),
          },
          { title: 'Streams', cell: (event) => digestOf(event.data).stream_count ?? '–', align: 'right' },
          {
            title: 'Log position',
            cell: (event) => digestOf(event.data).log_position ?? '–',
            wideOnly: true,
          },
          { title: 'By', cell: (event) => String(event.metadata.actor ?? '–'), wideOnly: true },
        ]}
      />
      <Pager pages={pages} next={page.data.next_cursor} />
    </>
  );
}

/** Signed digests of every stream head: the key, signing one now, checking them all, and the list. */
export function Digests() {
  return (
    <Stack spacing={2}>
      <Paper sx={{ p: 2 }}>
        <Stack spacing={2}>
          <PublicKey />
          <SignDigest />
          <VerifyAll />
        </Stack>
      </Paper>
      <Typography variant="h6" component="h3">
        Signed digests
      </Typography>
      <DigestList />
    </Stack>
  );
}
