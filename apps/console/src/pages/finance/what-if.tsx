import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { useProblem } from '../../components/problem-form';
import { credits, Empty, toMicros } from '../../components/states';
import type { Period } from './period';

interface DraftPrice {
  provider: string;
  model: string;
  /** USD per million tokens, as typed. */
  input: string;
  output: string;
}

/** Each draft price's fields: what the form keeps, what the API calls it, what a person reads. */
const PRICE_FIELDS = [
  { key: 'provider', field: 'provider', label: 'Provider' },
  { key: 'model', field: 'model', label: 'Model' },
  { key: 'input', field: 'input_micros_per_million', label: 'Input, USD per million tokens' },
  { key: 'output', field: 'output_micros_per_million', label: 'Output, USD per million tokens' },
] as const;

const EMPTY: DraftPrice = { provider: '', model: '', input: '', output: '' };
const FIELDS = ['from', 'to', 'prices', 'byok_fee_percent'] as const;

/** A price as micros; a free price is 0, and what is no amount goes as typed for the API to name. */
const draftMicros = (usd: string) => (usd.trim() === '0' ? '0' : (toMicros(usd) ?? usd));

/** A signed difference in credits, its sign in words too. */
function difference(micros: string): string {
  const value = BigInt(micros);
  return `${value > 0n ? 'more: +' : value < 0n ? 'less: ' : ''}${credits(micros)}`;
}

/**
 * Re-prices the period's requests with a draft price table, beside what was charged. The API stores
 * nothing: this is a simulation.
 */
export function WhatIf({ period }: { period: Period }) {
  const [prices, setPrices] = useState<DraftPrice[]>([EMPTY]);
  const [byokFee, setByokFee] = useState('');
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const simulate = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/finance/what-if', {
          body: {
            ...period,
            prices: prices.map((price) => ({
              provider: price.provider,
              model: price.model,
              input_micros_per_million: draftMicros(price.input),
              output_micros_per_million: draftMicros(price.output),
            })),
            ...(byokFee ? { byok_fee_percent: byokFee } : {}),
          },
        }),
      ),
    onMutate: () => setProblem(null),
    onError: setProblem,
  });
  const change = (index: number, field: keyof DraftPrice, value: string) =>
    setPrices(prices.map((price, at) => (at === index ? { ...price, [field]: value } : price)));
  const result = simulate.data;
  return (
    <Stack spacing={1}>
      {general && (
        <Alert severity="error" role="alert">
          {general}
        </Alert>
      )}
      <Stack
        spacing={1}
        component="form"
        id="what-if"
        onSubmit={(event) => {
          event.preventDefault();
          simulate.mutate();
        }}
      >
        {prices.map((price, index) => {
          const error = (field: string) => fieldError(`prices.${index}.${field}`);
          return (
            <Stack key={index} direction={{ xs: 'column', md: 'row' }} spacing={1}>
              {PRICE_FIELDS.map(({ key, field, label }) => (
                <TextField
                  key={key}
                  size="small"
                  label={label}
                  value={price[key]}
                  onChange={(event) => change(index, key, event.target.value)}
                  error={!!error(field)}
                  helperText={error(field)}
                />
              ))}
              {prices.length > 1 && (
                <Button
                  aria-label={`Remove draft price ${index + 1}`}
                  onClick={() => setPrices(prices.filter((_price, at) => at !== index))}
                >
                  Remove
                </Button>
              )}
            </Stack>
          );
        })}
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
          <Button onClick={() => setPrices([...prices, EMPTY])}>Add a model</Button>
          <TextField
            size="small"
            label="BYOK fee % (optional)"
            value={byokFee}
            onChange={(event) => setByokFee(event.target.value)}
            error={!!fieldError('byok_fee_percent')}
            helperText={fieldError('byok_fee_percent') ?? fieldError('prices')}
          />
          <Button
            type="submit"
            variant="contained"
            disabled={simulate.isPending}
            sx={{ alignSelf: 'flex-start' }}
          >
            Simulate
          </Button>
        </Stack>
      </Stack>
      {result &&
        (result.rows.length === 0 ? (
          <Empty title="No completed requests in this period to re-price" />
        ) : (
          <>
            <Alert severity="info" data-testid="what-if-totals">
              Charged {credits(result.totals.charged_micros)} credits; with the draft{' '}
              {credits(result.totals.draft_charged_micros)} (
              <strong>{difference(result.totals.difference_micros)}</strong>). Nothing was stored.
            </Alert>
            <DataTable
              label="What-if per customer and model"
              rows={result.rows}
              rowKey={(row) => `${row.user_id}-${row.provider}-${row.model}`}
              columns={[
                { title: 'User', cell: (row) => row.user_id },
                { title: 'Model', cell: (row) => `${row.provider}/${row.model}` },
                { title: 'Requests', cell: (row) => row.requests, align: 'right', wideOnly: true },
                { title: 'Charged', cell: (row) => credits(row.charged_micros), align: 'right' },
                { title: 'Draft', cell: (row) => credits(row.draft_charged_micros), align: 'right' },
                {
                  title: 'Difference',
                  cell: (row) => difference(row.difference_micros),
                  align: 'right',
                },
              ]}
            />
          </>
        ))}
    </Stack>
  );
}
