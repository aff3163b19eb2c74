import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { useProblem } from '../../components/problem-form';
import { Empty, Failure, Loading } from '../../components/states';

export function ApiKeys() {
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
        <DataTable
          label="API keys"
          rows={keys.data.items}
          rowKey={(key) => key.id}
          columns={[
            { title: 'Name', cell: (key) => key.name },
            { title: 'Prefix', cell: (key) => <code>{key.prefix}</code> },
            {
              title: 'State',
              align: 'right',
              cell: (key) =>
                key.revoked_at ? (
                  'revoked'
                ) : (
                  <Button size="small" color="error" onClick={() => revoke.mutate(key.id)}>
                    Revoke
                  </Button>
                ),
            },
          ]}
        />
      )}
    </Paper>
  );
}
