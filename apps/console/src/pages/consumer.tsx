import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, body } from '../api/client';
import { useProblem } from '../components/problem-form';
import { credits, Empty, Failure, Loading } from '../components/states';
import type { Session } from '../session';
import { BalanceCard } from './credits';

function ApiKeys() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const { setProblem, fieldError, general } = useProblem(['name', 'expires_at']);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => body(api.GET('/api/v1/llm/api-keys')) });
  const issue = useMutation({
    mutationFn: () => body(api.POST('/api/v1/llm/api-keys', { body: { name } })),
    onMutate: () => setProblem(null),
    onSuccess: (key) => {
      // Shown once: the server keeps only its hash.
      setIssued(typeof key.key === 'string' ? key.key : null);
      setName('');
      void client.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: setProblem,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => body(api.DELETE('/api/v1/llm/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        API keys
      </Typography>
      {issued && (
        <Alert severity="info" onClose={() => setIssued(null)} sx={{ my: 1, wordBreak: 'break-all' }}>
          Copy this key now; it is not shown again: <code data-testid="issued-key">{issued}</code>
        </Alert>
      )}
      {general && (
        <Alert severity="error" role="alert">
          {general}
        </Alert>
      )}
      <Stack
        direction="row"
        spacing={1}
        sx={{ my: 1 }}
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          issue.mutate();
        }}
      >
        <TextField
          size="small"
          label="Key name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={!!fieldError('name')}
          helperText={fieldError('name')}
        />
        <Button type="submit" variant="contained" disabled={issue.isPending}>
          Create key
        </Button>
      </Stack>
      {keys.isPending ? (
        <Loading what="keys" />
      ) : keys.isError ? (
        <Failure error={keys.error} what="keys" />
      ) : keys.data.items.length === 0 ? (
        <Empty title="No API keys yet" />
      ) : (
        <Table size="small" aria-label="API keys">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Prefix</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.data.items.map((key) => (
              <TableRow key={key.id}>
                <TableCell>{key.name}</TableCell>
                <TableCell>
                  <code>{key.prefix}</code>
                </TableCell>
                <TableCell align="right">
                  {key.revoked_at ? (
                    'revoked'
                  ) : (
                    <Button size="small" color="error" onClick={() => revoke.mutate(key.id)}>
                      Revoke
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}

function UsageChart() {
  const usage = useQuery({
    queryKey: ['usage'],
    queryFn: () => body(api.GET('/api/v1/llm/usage', { params: { query: { group_by: ['day'] } } })),
  });
  if (usage.isPending) return <Loading what="usage" />;
  if (usage.isError) return <Failure error={usage.error} what="usage" />;
  const rows = usage.data.rows.map((row) => ({ day: row.day, cost: Number(row.cost_micros) / 1e6 }));
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        Usage by day
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {usage.data.totals.requests} requests, {credits(usage.data.totals.cost_micros)} credits
      </Typography>
      {rows.length === 0 ? (
        <Empty title="No requests in this period" />
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="cost" name="credits" fill="#1f4e8c" />
          </BarChart>
        </ResponsiveContainer>
      )}
    </Paper>
  );
}

const POWER_LEVELS = ['eco', 'balanced', 'precision'] as const;
const ROUTE_HEADERS = [
  'x-ops-provider',
  'x-ops-model',
  'x-ops-route-reason',
  'x-ops-power-level',
  'x-ops-cost-micros',
];

function Playground() {
  const [prompt, setPrompt] = useState('');
  const [level, setLevel] = useState<(typeof POWER_LEVELS)[number]>('balanced');
  const send = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/api/v1/llm/chat/completions', {
        // The document types messages loosely (string[]); the wire format is OpenAI's.
        body: {
          model: 'auto',
          power_level: level,
          messages: [{ role: 'user', content: prompt }] as unknown as string[],
        },
      });
      if (!response.ok) throw new Error(JSON.stringify(error));
      const route = Object.fromEntries(
        ROUTE_HEADERS.map((name) => [name, response.headers.get(name) ?? '–']),
      );
      const answer = (data as unknown as { choices?: { message?: { content?: string } }[] }).choices?.[0]
        ?.message?.content;
      return { route, answer: answer ?? '' };
    },
  });
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        Playground
      </Typography>
      <Stack
        spacing={1}
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <ToggleButtonGroup
          exclusive
          size="small"
          value={level}
          aria-label="Power level"
          onChange={(_event, value: (typeof POWER_LEVELS)[number] | null) => value && setLevel(value)}
        >
          {POWER_LEVELS.map((option) => (
            <ToggleButton key={option} value={option}>
              {option}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <TextField
          label="Prompt"
          multiline
          minRows={2}
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
        />
        <Button
          type="submit"
          variant="contained"
          disabled={!prompt || send.isPending}
          sx={{ alignSelf: 'flex-start' }}
        >
          Send
        </Button>
      </Stack>
      {send.isError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {send.error.message}
        </Alert>
      )}
      {send.data && (
        <Stack sx={{ mt: 1 }} data-testid="playground-route">
          {Object.entries(send.data.route).map(([name, value]) => (
            <Typography key={name} variant="body2">
              <code>{name}</code>: {value}
            </Typography>
          ))}
          <Typography sx={{ mt: 1, whiteSpace: 'pre-wrap' }}>{send.data.answer}</Typography>
        </Stack>
      )}
    </Paper>
  );
}

export default function ConsumerPage({ session }: { session: Session }) {
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        My API access
      </Typography>
      <BalanceCard userId={session.user.id} />
      <UsageChart />
      <ApiKeys />
      <Playground />
    </Stack>
  );
}
