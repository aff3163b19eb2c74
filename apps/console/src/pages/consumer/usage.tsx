import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { chartCredits, CreditsChart } from '../../components/credits-chart';
import { DataTable } from '../../components/data-table';
import { counted, credits, Empty, Failure, Loading } from '../../components/states';

type Dimension = 'day' | 'provider' | 'model';
type Row = Schemas['UsageRowView'];

const PERIODS = [7, 30, 90] as const;

/** The first day (UTC) of the last `days` days, today included. */
function since(days: number): string {
  return new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** The caller's usage over the period, by one dimension; refetched by the live feed's usage notices. */
function useUsage(dimension: Dimension, days: number) {
  return useQuery({
    queryKey: ['usage', dimension, days],
    queryFn: () =>
      body(api.GET('/api/v1/llm/usage', { params: { query: { group_by: [dimension], from: since(days) } } })),
  });
}

const nameOf = (row: Row, dimension: Exclude<Dimension, 'day'>) =>
  row[dimension] || '(refused before any provider)';

function Breakdown({ dimension, days, title }: { dimension: Dimension; days: number; title: string }) {
  const usage = useUsage(dimension, days);
  return (
    <Paper sx={{ p: 2, flex: 1, minWidth: 0 }}>
      <Typography variant="subtitle1" component="h4">
        {title}
      </Typography>
      {usage.isPending ? (
        <Loading what="usage" />
      ) : usage.isError ? (
        <Failure error={usage.error} what="usage" />
      ) : usage.data.rows.length === 0 ? (
        <Empty title="No requests in this period" />
      ) : (
        <CreditsChart
          data={usage.data.rows.map((row) => ({
            name: dimension === 'day' ? (row.day ?? '') : nameOf(row, dimension),
            credits: chartCredits(row.cost_micros),
          }))}
          names={dimension === 'day' ? 'bottom' : 'side'}
          label={`${title}: credits per bar`}
          testId={`usage-by-${dimension}`}
        />
      )}
    </Paper>
  );
}

function ModelTable({ days }: { days: number }) {
  const usage = useUsage('model', days);
  if (usage.isPending || usage.isError || usage.data.rows.length === 0) return null;
  return (
    <DataTable
      label="Usage by model"
      rows={usage.data.rows}
      rowKey={(row) => nameOf(row, 'model')}
      columns={[
        { title: 'Model', cell: (row) => nameOf(row, 'model') },
        { title: 'Requests', cell: (row) => row.requests, align: 'right' },
        { title: 'Failed', cell: (row) => row.failed_requests, align: 'right', wideOnly: true },
        {
          title: 'Tokens in / out',
          cell: (row) => `${row.input_tokens} / ${row.output_tokens}`,
          align: 'right',
          wideOnly: true,
        },
        { title: 'Credits', cell: (row) => credits(row.cost_micros), align: 'right' },
      ]}
    />
  );
}

/** Usage by day, provider and model, with what it cost in credits. */
export function UsageCharts() {
  const [days, setDays] = useState<number>(30);
  const totals = useUsage('day', days);
  return (
    <Paper sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} alignItems="center" flexWrap="wrap" useFlexGap>
        <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
          Usage
        </Typography>
        <ToggleButtonGroup
          exclusive
          size="small"
          value={days}
          aria-label="Period"
          onChange={(_event, value: number | null) => value && setDays(value)}
        >
          {PERIODS.map((period) => (
            <ToggleButton key={period} value={period}>
              {period} days
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Stack>
      <Typography variant="body2" color="text.secondary" data-testid="usage-totals" sx={{ mb: 1 }}>
        {totals.data
          ? `${counted(totals.data.totals.requests, 'request')}, ${credits(totals.data.totals.cost_micros)} credits ` +
            `(${credits(totals.data.totals.list_cost_micros)} at list prices, own keys included)`
          : ' '}
      </Typography>
      <Stack spacing={2}>
        <Breakdown dimension="day" days={days} title="By day" />
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
          <Breakdown dimension="provider" days={days} title="By provider" />
          <Breakdown dimension="model" days={days} title="By model" />
        </Stack>
        <ModelTable days={days} />
      </Stack>
    </Paper>
  );
}
