import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { api, bodyAs } from '../api/client';
import type { ProviderHealthView } from '../api/views';
import { DataTable } from '../components/data-table';
import { Empty, Failure, Loading } from '../components/states';

const STATUS_COLOR = { up: 'success', degraded: 'warning', down: 'error' } as const;
const ms = (value: number | null) => (value === null ? '–' : `${Math.round(value)} ms`);

/** Each provider's health as the gateway sees it; provider-health notices refetch it live. */
export function ProvidersPage() {
  const health = useQuery({
    queryKey: ['provider-health'],
    queryFn: () => bodyAs<{ providers: ProviderHealthView[] }>(api.GET('/api/v1/llm/health')),
  });
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Providers
      </Typography>
      {health.isPending ? (
        <Loading what="provider health" />
      ) : health.isError ? (
        <Failure error={health.error} what="provider health" />
      ) : health.data.providers.length === 0 ? (
        <Empty title="No provider is configured">Set a provider's key or base URL and restart.</Empty>
      ) : (
        <DataTable
          label="Provider health"
          rows={health.data.providers}
          rowKey={(row) => row.provider}
          columns={[
            { title: 'Provider', cell: (row) => row.provider },
            {
              title: 'Status',
              cell: (row) => <Chip size="small" color={STATUS_COLOR[row.status]} label={row.status} />,
            },
            { title: 'Configured', cell: (row) => (row.configured ? 'yes' : 'no'), wideOnly: true },
            { title: 'Errors', cell: (row) => `${(row.error_rate * 100).toFixed(1)} %`, align: 'right' },
            { title: 'p50', cell: (row) => ms(row.latency_p50_ms), align: 'right', wideOnly: true },
            { title: 'p95', cell: (row) => ms(row.latency_p95_ms), align: 'right' },
            {
              title: 'Breaker',
              cell: (row) =>
                row.cooling_down_until
                  ? `open until ${new Date(row.cooling_down_until).toLocaleTimeString()}`
                  : 'closed',
              wideOnly: true,
            },
          ]}
        />
      )}
    </Stack>
  );
}
