import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { ApiProblem, api, bodyAs } from '../api/client';
import type { FinanceUsageRow } from '../api/views';
import { credits, Empty, Failure, Loading } from '../components/states';

const day = (date: Date) => date.toISOString().slice(0, 10);

export default function FinancePage() {
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(day(today));
  const report = useQuery({
    queryKey: ['finance-usage', from, to],
    queryFn: () =>
      bodyAs<{ rows: FinanceUsageRow[] }>(
        api.GET('/api/v1/finance/usage', { params: { query: { from, to } } }),
      ),
  });
  const csv = useMutation({
    mutationFn: async () => {
      const { response } = await api.GET('/api/v1/finance/usage', {
        params: { query: { from, to, format: 'csv' } },
        parseAs: 'blob',
      });
      if (!response.ok) throw ApiProblem.from(null, response);
      return response;
    },
    onSuccess: async (response) => {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.clone().blob());
      link.download = `usage-${from}-${to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    },
  });
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Usage report
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        <TextField
          type="date"
          size="small"
          label="From"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          type="date"
          size="small"
          label="To"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <Button variant="outlined" onClick={() => csv.mutate()} disabled={csv.isPending}>
          Download CSV
        </Button>
      </Stack>
      {csv.isError && <Failure error={csv.error} what="the CSV" />}
      {report.isPending ? (
        <Loading what="the report" />
      ) : report.isError ? (
        <Failure error={report.error} what="the report" />
      ) : report.data.rows.length === 0 ? (
        <Empty title="No usage in this period" />
      ) : (
        <DataTable
          label="Usage"
          rows={report.data.rows}
          rowKey={(row, index) => `${row.user_id}-${String(row.day)}-${String(row.model)}-${index}`}
          columns={[
            { title: 'User', cell: (row) => row.user_id },
            { title: 'Day', cell: (row) => String(row.day ?? '') },
            { title: 'Model', cell: (row) => String(row.model ?? ''), wideOnly: true },
            { title: 'Requests', cell: (row) => row.requests, align: 'right' },
            { title: 'Credits', cell: (row) => credits(row.cost_micros), align: 'right' },
          ]}
        />
      )}
    </Stack>
  );
}
