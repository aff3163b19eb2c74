import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { ApiProblem } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <Stack direction="row" spacing={2} alignItems="center" sx={{ py: 4 }} role="status">
      <CircularProgress size={24} aria-label={`Loading ${what}`} />
      <Typography color="text.secondary">Loading {what}…</Typography>
    </Stack>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Box sx={{ py: 4, textAlign: 'center' }} data-testid="empty">
      <Typography variant="subtitle1">{title}</Typography>
      {children && <Typography color="text.secondary">{children}</Typography>}
    </Box>
  );
}

export function Forbidden({ what }: { what: string }) {
  return (
    <Alert severity="warning" data-testid="forbidden">
      Your roles do not include {what}. Ask an admin for the role, then sign in again.
    </Alert>
  );
}

/** A failed request: the API's own words (problem+json), 403 as the forbidden state. */
export function Failure({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiProblem && error.status === 403) return <Forbidden what={what} />;
  const message = error instanceof ApiProblem ? error.message : 'The server could not be reached.';
  return (
    <Alert severity="error" role="alert">
      Could not load {what}: {message}
    </Alert>
  );
}

/** A count with its noun, singular for one: "1 request", "3 requests". */
export function counted(count: number | string | bigint, noun: string): string {
  const value = BigInt(count);
  return `${value.toLocaleString('en-US')} ${noun}${value === 1n ? '' : 's'}`;
}

/** Micros (millionths of a credit), as strings from the API, shown as credits. */
export function credits(micros: string | number | bigint | null | undefined): string {
  if (micros === null || micros === undefined) return '–';
  const value = BigInt(micros);
  const sign = value < 0n ? '-' : '';
  const absolute = value < 0n ? -value : value;
  const whole = absolute / 1_000_000n;
  const fraction = (absolute % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}${whole.toLocaleString('en-US')}.${fraction}`;
}

/** Credits typed by a person, as micros; null when it is not a positive amount with at most 6 decimals. */
export function toMicros(text: string): string | null {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,6}))?\s*$/.exec(text);
  if (!match) return null;
  const micros = BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
  return micros > 0n ? micros.toString() : null;
}
