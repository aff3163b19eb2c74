import { Pager, useCursorPages } from '../components/cursor-pages';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { api, body } from '../api/client';
import { FormCard } from '../components/forms';
import { useProblem } from '../components/problem-form';
import { credits, Empty, Failure, Loading, toMicros } from '../components/states';
import { PlanCard } from './credits-plan';

/** An account's balance, kept current by the live feed (balance notices refetch it). */
export function useCreditAccount(userId: string | null) {
  return useQuery({
    queryKey: ['credit-account', userId],
    enabled: userId !== null,
    queryFn: () =>
      body(api.GET('/api/v1/llm/credits/account', { params: { query: { user_id: userId ?? undefined } } })),
  });
}

export function BalanceCard({ userId }: { userId: string }) {
  const account = useCreditAccount(userId);
  if (account.isPending) return <Loading what="the balance" />;
  if (account.isError) return <Failure error={account.error} what="the balance" />;
  const view = account.data;
  return (
    <Paper sx={{ p: 2 }} aria-label={`Credits of ${userId}`}>
      <Typography color="text.secondary">Available credits of {view.user_id}</Typography>
      <Typography variant="h4" component="p" data-testid="balance">
        {credits(view.available_micros)}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Balance {credits(view.balance_micros)}, held {credits(view.reserved_micros)}; plan {view.tier},{' '}
        {view.default_power_level}
      </Typography>
    </Paper>
  );
}

const FIELDS = ['user_id', 'amount_micros', 'reason'] as const;

function AdjustForm({ userId }: { userId: string }) {
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const adjust = useMutation({
    mutationFn: (kind: 'grant' | 'revoke') => {
      const request = { user_id: userId, amount_micros: toMicros(amount) ?? amount, reason };
      return kind === 'grant'
        ? body(api.POST('/api/v1/llm/credits/grant', { body: request }))
        : body(api.POST('/api/v1/llm/credits/revoke', { body: request }));
    },
    onMutate: () => {
      setProblem(null);
      setDone(null);
    },
    onSuccess: (result, kind) => {
      setDone(`${kind === 'grant' ? 'Granted' : 'Revoked'} ${credits(result.amount_micros)} credits`);
      setAmount('');
      setReason('');
    },
    onError: setProblem,
  });
  const amountError =
    fieldError('amount_micros') ??
    (amount && !toMicros(amount) ? 'A positive amount, up to 6 decimals' : undefined);
  return (
    <FormCard onSubmit={() => adjust.mutate('grant')}>
      <Typography variant="h6" component="h3">
        Grant or revoke
      </Typography>
      {general && (
        <Alert severity="error" role="alert">
          {general}
        </Alert>
      )}
      {fieldError('user_id') && <Alert severity="error">{fieldError('user_id')}</Alert>}
      {done && <Alert severity="success">{done}</Alert>}
      <TextField
        label="Credits"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
        error={!!amountError}
        helperText={amountError}
        inputProps={{ inputMode: 'decimal' }}
        required
      />
      <TextField
        label="Reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={!!fieldError('reason')}
        helperText={fieldError('reason') ?? 'Kept in the account history'}
        required
      />
      <Stack direction="row" spacing={1}>
        <Button type="submit" variant="contained" disabled={adjust.isPending}>
          Grant
        </Button>
        <Button
          variant="outlined"
          color="error"
          disabled={adjust.isPending}
          onClick={() => adjust.mutate('revoke')}
        >
          Revoke
        </Button>
      </Stack>
    </FormCard>
  );
}

function History({ userId }: { userId: string }) {
  const pages = useCursorPages(userId);
  const { cursor } = pages;
  const history = useQuery({
    queryKey: ['credit-history', userId, cursor],
    queryFn: () =>
      body(
        api.GET('/api/v1/llm/credits/history', { params: { query: { user_id: userId, limit: 10, cursor } } }),
      ),
  });
  if (history.isPending) return <Loading what="the history" />;
  if (history.isError) return <Failure error={history.error} what="the history" />;
  if (history.data.items.length === 0) return <Empty title="No credit movements yet" />;
  return (
    <>
      <DataTable
        label="Credit history"
        rows={history.data.items}
        rowKey={(item) => item.id}
        columns={[
          { title: 'When', cell: (item) => new Date(item.occurred_at).toLocaleString() },
          { title: 'Kind', cell: (item) => item.kind },
          { title: 'Credits', cell: (item) => credits(item.amount_micros), align: 'right' },
          { title: 'Reason', cell: (item) => item.reason, wideOnly: true },
        ]}
      />
      <Pager pages={pages} next={history.data.next_cursor as string | null | undefined} />
    </>
  );
}

export function CreditsPage() {
  const [search, setSearch] = useState('');
  const [userId, setUserId] = useState<string | null>(null);
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Credits
      </Typography>
      <Stack
        direction="row"
        spacing={1}
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          setUserId(search.trim() || null);
        }}
      >
        <TextField
          size="small"
          label="User id"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <Button type="submit" variant="contained">
          Find
        </Button>
      </Stack>
      {userId === null ? (
        <Empty title="Find a user by id">Their balance, plan and history appear here and update live.</Empty>
      ) : (
        <>
          <BalanceCard userId={userId} />
          <PlanCard userId={userId} />
          <AdjustForm userId={userId} />
          <History userId={userId} />
        </>
      )}
    </Stack>
  );
}
