import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { api, body } from '../../api/client';
import type { Schemas } from '../../api/views';
import { chartCredits, CreditsChart, type CreditsBar } from '../../components/credits-chart';
import { DataTable } from '../../components/data-table';
import { counted, credits, Empty, Failure, Loading } from '../../components/states';
import type { Period } from './period';

type Row = Schemas['FinanceUsageRowView'];

/** Credits charged per day over every customer and model (exact sums; a float only for the bar). */
function perDay(rows: Row[]): CreditsBar[] {
  const sums = new Map<string, bigint>();
  for (const row of rows) sums.set(row.day, (sums.get(row.day) ?? 0n) + BigInt(row.cost_micros));
  return [...sums].map(([day, micros]) => ({ name: day, credits: chartCredits(micros) }));
}

/** Usage per customer, day, provider and model; refetched live as requests finish. */
export function UsageReport({ period }: { period: Period }) {
  const report = useQuery({
    queryKey: ['finance-usage', period.from, period.to],
    queryFn: () => body(api.GET('/api/v1/finance/usage', { params: { query: period } })),
  });
  if (report.isPending) return <Loading what="the usage report" />;
  if (report.isError) return <Failure error={report.error} what="the usage report" />;
  const { rows, totals } = report.data;
  if (rows.length === 0) return <Empty title="No usage in this period" />;
  return (
    <>
      <Typography variant="body2" color="text.secondary" data-testid="finance-usage-totals">
        {counted(totals.requests, 'request')} ({totals.failed_requests} failed), {credits(totals.cost_micros)}{' '}
        credits charged, {credits(totals.list_cost_micros)} at list prices
      </Typography>
      <CreditsChart
        data={perDay(rows)}
        label="Credits charged per day"
        testId="finance-usage-chart"
        color="#6a3d9a"
      />
      <DataTable
        label="Usage"
        rows={rows}
        rowKey={(row) => `${row.user_id}-${row.day}-${row.provider}-${row.model}`}
        columns={[
          { title: 'User', cell: (row) => row.user_id },
          { title: 'Day', cell: (row) => row.day },
          { title: 'Provider', cell: (row) => row.provider || '–', wideOnly: true },
          { title: 'Model', cell: (row) => row.model || '–', wideOnly: true },
          { title: 'Requests', cell: (row) => row.requests, align: 'right' },
          { title: 'Credits', cell: (row) => credits(row.cost_micros), align: 'right' },
        ]}
      />
    </>
  );
}
