import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataTable } from '../../components/data-table';
import { useProblem } from '../../components/problem-form';
import { Empty, Failure, Loading } from '../../components/states';

type Provider = Schemas['AddProviderKeyDto']['provider'];

/** The OpenAPI document's list, as names a person reads; the type check keeps the two in step. */
const PROVIDERS: Record<Provider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  groq: 'Groq',
  together: 'Together AI',
  fireworks: 'Fireworks AI',
  deepinfra: 'DeepInfra',
  openrouter: 'OpenRouter',
  huggingface: 'Hugging Face',
};

const FIELDS = ['provider', 'api_key', 'label'] as const;

const STATUS_COLOR = { valid: 'success', unverified: 'warning', erased: 'default' } as const;

function AddKeyForm() {
  const client = useQueryClient();
  const [provider, setProvider] = useState<Provider>('openai');
  const [apiKey, setApiKey] = useState('');
  const [label, setLabel] = useState('');
  const [added, setAdded] = useState<Schemas['ProviderKeyAddedView'] | null>(null);
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const add = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/llm/byok/keys', {
          body: { provider, api_key: apiKey, ...(label ? { label } : {}) },
        }),
      ),
    onMutate: () => {
      setProblem(null);
      setAdded(null);
    },
    onSuccess: (result) => {
      setAdded(result);
      // The key leaves the page as soon as the server has it.
      setApiKey('');
      setLabel('');
      void client.invalidateQueries({ queryKey: ['byok-keys'] });
    },
    onError: setProblem,
  });
  return (
    <>
      {added && (
        <Alert
          severity={added.status === 'valid' ? 'success' : 'warning'}
          onClose={() => setAdded(null)}
          sx={{ my: 1 }}
          data-testid="byok-check"
        >
          {PROVIDERS[added.provider as Provider] ?? added.provider} key …{added.last4}: {added.status}.{' '}
          {added.detail}
        </Alert>
      )}
      {general && (
        <Alert severity="error" role="alert" sx={{ my: 1 }}>
          {general}
        </Alert>
      )}
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={1}
        sx={{ my: 1 }}
        component="form"
        id="add-byok-key"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <TextField
          select
          size="small"
          label="Provider"
          value={provider}
          onChange={(event) => setProvider(event.target.value as Provider)}
          error={!!fieldError('provider')}
          helperText={fieldError('provider')}
          sx={{ minWidth: 160 }}
        >
          {Object.entries(PROVIDERS).map(([id, name]) => (
            <MenuItem key={id} value={id}>
              {name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          size="small"
          type="password"
          autoComplete="off"
          label="Provider API key"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          error={!!fieldError('api_key')}
          helperText={fieldError('api_key')}
          sx={{ flexGrow: 1 }}
        />
        <TextField
          size="small"
          label="Label (optional)"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          error={!!fieldError('label')}
          helperText={fieldError('label')}
        />
        <Button
          type="submit"
          variant="contained"
          disabled={!apiKey || add.isPending}
          sx={{ alignSelf: 'flex-start' }}
        >
          {add.isPending ? 'Checking…' : 'Add key'}
        </Button>
      </Stack>
    </>
  );
}

function KeyList() {
  const client = useQueryClient();
  const pages = useCursorPages('byok');
  const { cursor } = pages;
  const keys = useQuery({
    queryKey: ['byok-keys', cursor],
    queryFn: () => body(api.GET('/api/v1/llm/byok/keys', { params: { query: { limit: 10, cursor } } })),
  });
  const remove = useMutation({
    mutationFn: (provider: string) =>
      body(api.DELETE('/api/v1/llm/byok/keys/{provider}', { params: { path: { provider } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['byok-keys'] }),
  });
  if (keys.isPending) return <Loading what="your provider keys" />;
  if (keys.isError) return <Failure error={keys.error} what="your provider keys" />;
  if (keys.data.items.length === 0 && pages.cursors.length === 1)
    return <Empty title="No provider keys yet">Requests are paid with credits on the platform's keys.</Empty>;
  return (
    <>
      {remove.isError && <Failure error={remove.error} what="the removal" />}
      <DataTable
        label="Provider keys"
        rows={keys.data.items}
        rowKey={(key) => key.provider}
        rowTestId={(key) => `byok-${key.provider}`}
        columns={[
          { title: 'Provider', cell: (key) => PROVIDERS[key.provider as Provider] ?? key.provider },
          { title: 'Label', cell: (key) => key.label ?? '–', wideOnly: true },
          { title: 'Key', cell: (key) => <code>…{key.last4}</code> },
          {
            title: 'Check',
            cell: (key) => (
              <Chip
                size="small"
                label={key.status}
                color={STATUS_COLOR[key.status as keyof typeof STATUS_COLOR] ?? 'default'}
              />
            ),
          },
          {
            title: 'Accepted',
            cell: (key) => (key.validated_at ? new Date(key.validated_at).toLocaleString() : '–'),
            wideOnly: true,
          },
          {
            title: 'Remove',
            align: 'right',
            cell: (key) => (
              <Button
                size="small"
                color="error"
                disabled={remove.isPending}
                aria-label={`Remove the ${key.provider} key`}
                onClick={() => remove.mutate(key.provider)}
              >
                Remove
              </Button>
            ),
          },
        ]}
      />
      <Pager pages={pages} next={keys.data.next_cursor} />
    </>
  );
}

/** Bring your own key: requests the key can serve go to that provider first and cost no credits. */
export function ByokKeys() {
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        Your provider keys (BYOK)
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Each key is checked with the provider before it is stored, sealed; only its last 4 characters are
        shown again.
      </Typography>
      <AddKeyForm />
      <KeyList />
    </Paper>
  );
}
