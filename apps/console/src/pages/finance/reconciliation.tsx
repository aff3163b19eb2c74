import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { api, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { DataTable } from '../../components/data-table';
import { credits, Failure, Loading } from '../../components/states';
import type { Period } from './period';

type Difference = Schemas['ReconciliationDifferenceView'];

const COUNTS = new Set(['usage_requests', 'lago_usage_events']);

/** Counts as they are; everything else the report sums is micro-USD. */
const shown = (check: string, value: string) => (COUNTS.has(check) ? value : credits(value));

/**
 * What each source says, the first (the event log, or what should have reached Lago) as the
 * reference: a source that says otherwise is marked in colour and in words, for screen readers too.
 */
function Sources({ check, values }: { check: string; values: Record<string, string> }) {
  const [reference] = Object.values(values);
  return (
    <Stack spacing={0.5}>
      {Object.entries(values).map(([source, value]) => {
        const differs = value !== reference;
        return (
          <Box
            key={source}
            data-differs={differs}
            sx={
              differs
                ? { bgcolor: '#fdeded', color: '#5f2120', borderLeft: 3, borderColor: 'error.main', px: 0.5 }
                : undefined
            }
          >
            <code>{source}</code>: {shown(check, value)}
            {differs && <strong> ≠ {Object.keys(values)[0]}</strong>}
          </Box>
        );
      })}
    </Stack>
  );
}

/** The log, the read models and Lago side by side, per user; each disagreement highlighted. */
export function Reconciliation({ period }: { period: Period }) {
  const report = useQuery({
    queryKey: ['finance-reconciliation', period.from, period.to],
    queryFn: () => body(api.GET('/api/v1/finance/reconciliation', { params: { query: period } })),
  });
  if (report.isPending) return <Loading what="the reconciliation" />;
  if (report.isError) return <Failure error={report.error} what="the reconciliation" />;
  const { agrees, differences, parked, lago_sync: lago } = report.data;
  return (
    <Stack spacing={1}>
      {agrees ? (
        <Alert severity="success" data-testid="reconciliation-state">
          The event log, the read models{lago === 'on' ? ' and Lago' : ''} agree for every user.
        </Alert>
      ) : (
        <Alert severity="error" data-testid="reconciliation-state">
          {differences.length} difference{differences.length === 1 ? '' : 's'}
          {parked.length > 0 ? `, ${parked.length} event(s) Lago refused` : ''}. A projection still catching
          up shows here until it has; a difference that stays is a read model or a delivery to repair.
        </Alert>
      )}
      {lago === 'off' && (
        <Typography variant="body2" color="text.secondary">
          Lago sync is off (LAGO_API_URL, LAGO_API_KEY): only the log and the read models are compared.
        </Typography>
      )}
      {differences.length > 0 && (
        <DataTable<Difference>
          label="Differences"
          rows={differences}
          rowKey={(difference) => `${difference.check}-${difference.user_id}`}
          rowTestId={(difference) => `difference-${difference.check}-${difference.user_id}`}
          columns={[
            { title: 'Check', cell: (difference) => difference.check },
            { title: 'User', cell: (difference) => difference.user_id },
            {
              title: 'What each source says',
              cell: (difference) => <Sources check={difference.check} values={difference.values} />,
            },
          ]}
        />
      )}
      {parked.length > 0 && (
        <DataTable
          label="Parked events"
          rows={parked}
          rowKey={(event) => event.event_id}
          columns={[
            { title: 'When', cell: (event) => new Date(event.occurred_at).toLocaleString(), wideOnly: true },
            { title: 'User', cell: (event) => event.user_id },
            { title: 'Kind', cell: (event) => event.kind },
            { title: 'Why Lago refused it', cell: (event) => event.reason },
          ]}
        />
      )}
    </Stack>
  );
}
