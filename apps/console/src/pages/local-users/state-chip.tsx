import Chip from '@mui/material/Chip';

const STATE_COLOR = { applied: 'success', pending: 'warning', failed: 'error' } as const;

export function StateChip({ state }: { state: string }) {
  const color = STATE_COLOR[state as keyof typeof STATE_COLOR] ?? 'default';
  return <Chip size="small" color={color} label={state} data-testid="account-state" />;
}
