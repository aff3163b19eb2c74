import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../api/client';
import type { Schemas } from '../api/views';
import { Captioned, DataTable } from '../components/data-table';
import { ChoiceToggle, SelectField } from '../components/forms';
import { credits, Empty, Failure, Loading } from '../components/states';

type Tier = Schemas['TierPriceView']['tier'];
type CatalogModel = Schemas['CatalogModelView'];

const STATUS_COLOR: Record<string, 'success' | 'warning' | 'error'> = {
  up: 'success',
  degraded: 'warning',
  down: 'error',
};
const ALL = 'all providers';
const ms = (value: number | null) => (value === null ? '–' : `${Math.round(value)} ms`);
/** Micro-USD per million tokens, in and out, as dollars. */
const perMillion = (input: string, output: string) => `$${credits(input)} / $${credits(output)}`;

/** Each provider's health as the gateway sees it; provider-health notices refetch it live. */
function Health() {
  const health = useQuery({
    queryKey: ['provider-health'],
    queryFn: () => body(api.GET('/api/v1/llm/health')),
  });
  if (health.isPending) return <Loading what="provider health" />;
  if (health.isError) return <Failure error={health.error} what="provider health" />;
  if (health.data.providers.length === 0)
    return <Empty title="No provider is configured">Set a provider's key or base URL and restart.</Empty>;
  return (
    <DataTable
      label="Provider health"
      rows={health.data.providers}
      rowKey={(row) => row.provider}
      columns={[
        { title: 'Provider', cell: (row) => row.provider },
        {
          title: 'Status',
          cell: (row) => (
            <Chip size="small" color={STATUS_COLOR[row.status] ?? 'default'} label={row.status} />
          ),
        },
        { title: 'Errors', cell: (row) => `${(row.error_rate * 100).toFixed(1)} %`, align: 'right' },
        { title: 'p50', cell: (row) => ms(row.latency_p50_ms), align: 'right', wideOnly: true },
        { title: 'p95', cell: (row) => ms(row.latency_p95_ms), align: 'right' },
        { title: 'Calls', cell: (row) => row.samples, align: 'right', wideOnly: true },
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
  );
}

function tierPrice(model: CatalogModel, tier: Tier) {
  const price = model.prices.find((candidate) => candidate.tier === tier);
  if (!price?.allowed)
    return <Typography variant="body2" color="text.secondary">{`from ${model.min_tier}`}</Typography>;
  return perMillion(price.input_micros_per_million, price.output_micros_per_million);
}

/** The catalog the gateway routes on, priced for one tier at a time so it fits a phone too. */
function Catalog() {
  const [tier, setTier] = useState<Tier>('free');
  const [provider, setProvider] = useState(ALL);
  const catalog = useQuery({
    queryKey: ['llm-catalog'],
    queryFn: () => body(api.GET('/api/v1/llm/catalog')),
  });
  if (catalog.isPending) return <Loading what="the catalog" />;
  if (catalog.isError) return <Failure error={catalog.error} what="the catalog" />;
  const markup = catalog.data.markups.find((candidate) => candidate.tier === tier)?.markup_percent ?? 0;
  const providers = [ALL, ...new Set(catalog.data.models.map((model) => model.provider))];
  const models = catalog.data.models.filter((model) => provider === ALL || model.provider === provider);
  return (
    <Stack spacing={1}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} alignItems={{ sm: 'center' }}>
        <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
          Catalog version {catalog.data.catalog_version}; USD per million tokens, input / output. BYOK fee{' '}
          {catalog.data.byok_fee_percent} %.
        </Typography>
        <SelectField label="Provider" value={provider} options={providers} onChange={setProvider} compact />
        <ChoiceToggle<Tier>
          label="Prices for tier"
          value={tier}
          options={catalog.data.markups.map((candidate) => ({
            value: candidate.tier,
            label: candidate.tier,
          }))}
          onChange={setTier}
        />
      </Stack>
      {models.length === 0 ? (
        <Empty title="The catalog is empty" />
      ) : (
        <DataTable
          label="Catalog"
          rows={models}
          rowKey={(model) => model.id}
          rowTestId={(model) => `model-${model.id}`}
          columns={[
            {
              title: 'Model',
              cell: (model) => <Captioned main={model.display_name} caption={model.id} />,
            },
            { title: 'Kind', cell: (model) => `${model.kind}, ${model.lifecycle}`, wideOnly: true },
            { title: 'Min tier', cell: (model) => model.min_tier, wideOnly: true },
            {
              title: 'List price',
              cell: (model) => perMillion(model.input_micros_per_million, model.output_micros_per_million),
              align: 'right',
              wideOnly: true,
            },
            { title: `${tier} (+${markup} %)`, cell: (model) => tierPrice(model, tier), align: 'right' },
          ]}
        />
      )}
    </Stack>
  );
}

export function ProvidersPage() {
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Providers
      </Typography>
      <Health />
      <Typography variant="h6" component="h3">
        Catalog and prices by tier
      </Typography>
      <Catalog />
    </Stack>
  );
}
