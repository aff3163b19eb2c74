import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { api, body } from '../../api/client';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataTable } from '../../components/data-table';
import { credits, Empty, Failure, Loading } from '../../components/states';
import type { Period } from './period';

const PAGE = 25;

/**
 * Every credit movement of the period. The report comes whole (it is also the CSV export), so its
 * pages are cut here, with the same pager as the keyset tables: the offset serves as the cursor.
 */
export function Ledger({ period }: { period: Period }) {
  const pages = useCursorPages(`${period.from}/${period.to}`);
  const offset = Number(pages.cursor ?? 0);
  const ledger = useQuery({
    queryKey: ['finance-ledger', period.from, period.to],
    queryFn: () => body(api.GET('/api/v1/finance/ledger', { params: { query: period } })),
  });
  if (ledger.isPending) return <Loading what="the ledger" />;
  if (ledger.isError) return <Failure error={ledger.error} what="the ledger" />;
  const { entries, totals_by_kind: totals, net_micros: net } = ledger.data;
  if (entries.length === 0) return <Empty title="No credit movements in this period" />;
  const next = offset + PAGE < entries.length ? String(offset + PAGE) : null;
  return (
    <>
      <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap alignItems="center">
        {totals.map((total) => (
          <Chip
            key={total.kind}
            variant="outlined"
            label={`${total.kind}: ${total.entries} × ${credits(total.amount_micros)}`}
          />
        ))}
        <Typography variant="body2" data-testid="ledger-net">
          Net {credits(net)} credits
        </Typography>
      </Stack>
      <DataTable
        label="Ledger"
        rows={entries.slice(offset, offset + PAGE)}
        rowKey={(entry) => entry.event_id}
        columns={[
          { title: 'When', cell: (entry) => new Date(entry.occurred_at).toLocaleString(), wideOnly: true },
          { title: 'User', cell: (entry) => entry.user_id },
          { title: 'Kind', cell: (entry) => entry.kind },
          { title: 'Credits', cell: (entry) => credits(entry.amount_micros), align: 'right' },
          {
            title: 'Balance after',
            cell: (entry) => credits(entry.balance_after_micros),
            align: 'right',
            wideOnly: true,
          },
          { title: 'Reason', cell: (entry) => entry.reason, wideOnly: true },
          { title: 'By', cell: (entry) => entry.actor, wideOnly: true },
        ]}
      />
      <Pager pages={pages} next={next} />
    </>
  );
}
