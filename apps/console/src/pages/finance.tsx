import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
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
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Usage">
            <TableHead>
              <TableRow>
                <TableCell>User</TableCell>
                <TableCell>Day</TableCell>
                <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Model</TableCell>
                <TableCell align="right">Requests</TableCell>
                <TableCell align="right">Credits</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {report.data.rows.map((row, index) => (
                <TableRow key={index}>
                  <TableCell>{row.user_id}</TableCell>
                  <TableCell>{String(row.day ?? '')}</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>
                    {String(row.model ?? '')}
                  </TableCell>
                  <TableCell align="right">{row.requests}</TableCell>
                  <TableCell align="right">{credits(row.cost_micros)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Stack>
  );
}
