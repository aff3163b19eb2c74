import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../api/client';
import type { Schemas } from '../api/views';
import { FormCard, ProblemAlert, SelectField } from '../components/forms';
import { useProblem } from '../components/problem-form';
import { credits, Failure, Loading, toMicros } from '../components/states';
import { useCreditAccount } from './credits';

type Plan = Schemas['SetAccountPlanDto'];
type Account = Schemas['CreditAccountView'];

const TIERS: Plan['tier'][] = ['free', 'starter', 'professional', 'enterprise'];
const POWER_LEVELS: Plan['default_power_level'][] = ['eco', 'balanced', 'precision'];
const FIELDS = ['tier', 'monthly_cap_micros', 'default_power_level', 'privacy_mode'] as const;

/** A cap typed in credits (USD): empty is no cap, 0 stops all spending. */
function capMicros(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // Anything else that is not an amount goes to the API as typed, which names the field in its answer.
  return /^0*(\.0*)?$/.test(trimmed) ? '0' : (toMicros(trimmed) ?? trimmed);
}

function PlanForm({ account }: { account: Account }) {
  const client = useQueryClient();
  const [plan, setPlan] = useState({
    tier: account.tier as Plan['tier'],
    cap: account.monthly_cap_micros === null ? '' : credits(account.monthly_cap_micros),
    power: account.default_power_level as Plan['default_power_level'],
    privacy: account.privacy_mode,
  });
  const [saved, setSaved] = useState(false);
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const save = useMutation({
    mutationFn: () =>
      body(
        api.PUT('/api/v1/llm/credits/plan', {
          body: {
            user_id: account.user_id,
            tier: plan.tier,
            monthly_cap_micros: capMicros(plan.cap),
            default_power_level: plan.power,
            privacy_mode: plan.privacy,
          },
        }),
      ),
    onMutate: () => {
      setProblem(null);
      setSaved(false);
    },
    onSuccess: (view) => {
      client.setQueryData(['credit-account', account.user_id], view);
      setSaved(true);
    },
    onError: setProblem,
  });
  return (
    <FormCard label={`Plan of ${account.user_id}`} onSubmit={() => save.mutate()}>
      <Typography variant="h6" component="h3">
        Plan
      </Typography>
      <ProblemAlert message={general} />
      {saved && <Alert severity="success">Saved: it applies from the next request.</Alert>}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <SelectField
          label="Tier"
          value={plan.tier}
          options={TIERS}
          onChange={(tier) => setPlan({ ...plan, tier })}
          error={fieldError('tier')}
          helper="Which models the user may call"
        />
        <SelectField
          label="Power level"
          value={plan.power}
          options={POWER_LEVELS}
          onChange={(power) => setPlan({ ...plan, power })}
          error={fieldError('default_power_level')}
          helper="When a request does not name one"
        />
      </Stack>
      <TextField
        label="Monthly spending cap"
        value={plan.cap}
        onChange={(event) => setPlan({ ...plan, cap: event.target.value })}
        error={!!fieldError('monthly_cap_micros')}
        helperText={fieldError('monthly_cap_micros') ?? 'Credits (USD) per calendar month; empty: no cap'}
        slotProps={{ htmlInput: { inputMode: 'decimal' } }}
      />
      <FormControlLabel
        control={
          <Switch
            checked={plan.privacy}
            onChange={(event) => setPlan({ ...plan, privacy: event.target.checked })}
          />
        }
        label="Privacy mode: local models only"
      />
      <Button type="submit" variant="contained" sx={{ alignSelf: 'flex-start' }} disabled={save.isPending}>
        Save plan
      </Button>
    </FormCard>
  );
}

/** The user's plan (tier, cap, power level, privacy), shown and changed through PUT /llm/credits/plan. */
export function PlanCard({ userId }: { userId: string }) {
  const account = useCreditAccount(userId);
  if (account.isPending) return <Loading what="the plan" />;
  if (account.isError) return <Failure error={account.error} what="the plan" />;
  return <PlanForm key={userId} account={account.data} />;
}
