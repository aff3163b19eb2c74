import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Failure } from '../../components/states';
import { downloadCsv } from './csv';
import { Ledger } from './ledger';
import type { Period } from './period';
import { Reconciliation } from './reconciliation';
import { UsageReport } from './usage-report';
import { WhatIf } from './what-if';

const day = (date: Date) => date.toISOString().slice(0, 10);

function DayField({ label, value, onChange }: { label: string; value: string; onChange(day: string): void }) {
  return (
    <TextField
      type="date"
      size="small"
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      slotProps={{ inputLabel: { shrink: true } }}
    />
  );
}

function CsvButton({ report, period }: { report: 'usage' | 'ledger'; period: Period }) {
  const download = useMutation({ mutationFn: () => downloadCsv(report, period) });
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        onClick={() => download.mutate()}
        disabled={download.isPending}
        aria-label={`Download the ${report} report as CSV`}
      >
        Download CSV
      </Button>
      {download.isError && <Failure error={download.error} what="the CSV" />}
    </>
  );
}

function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Paper component="section" sx={{ p: 2 }} aria-label={title}>
      <Stack spacing={1}>
        <Stack direction="row" alignItems="center" spacing={1} flexWrap="wrap" useFlexGap>
          <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
            {title}
          </Typography>
          {action}
        </Stack>
        {children}
      </Stack>
    </Paper>
  );
}

export default function FinancePage() {
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1))));
  const [to, setTo] = useState(day(today));
  const period = { from, to };
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Finance
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        <DayField label="From" value={from} onChange={setFrom} />
        <DayField label="To" value={to} onChange={setTo} />
      </Stack>
      <Section title="Usage report" action={<CsvButton report="usage" period={period} />}>
        <UsageReport period={period} />
      </Section>
      <Section title="Ledger" action={<CsvButton report="ledger" period={period} />}>
        <Ledger period={period} />
      </Section>
      <Section title="Reconciliation">
        <Reconciliation period={period} />
      </Section>
      <Section title="What-if pricing">
        <WhatIf period={period} />
      </Section>
    </Stack>
  );
}
