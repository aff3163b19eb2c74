import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Session } from '../../session';
import { BalanceCard } from '../credits';
import { ApiKeys } from './api-keys';
import { BuyCredits } from './buy-credits';
import { ByokKeys } from './byok';
import { Playground } from './playground';
import { UsageCharts } from './usage';

export default function ConsumerPage({ session }: { session: Session }) {
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        My API access
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ '& > *': { flex: 1 } }}>
        <BalanceCard userId={session.user.id} />
        <BuyCredits />
      </Stack>
      <UsageCharts />
      <ApiKeys />
      <ByokKeys />
      <Playground />
    </Stack>
  );
}
