import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, body } from '../../api/client';
import { credits, Failure, Loading } from '../../components/states';

/** getRandomValues, not randomUUID: the console may be served over plain HTTP on a LAN address. */
const idempotencyKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join(
    '',
  );

const usd = (cents: number) => `$${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Buying credits: the API opens a Stripe Checkout Session for a package it knows and the browser goes
 * to Stripe's page. Credits arrive when Stripe's webhook reports the payment; the balance above
 * follows through the live feed.
 */
export function BuyCredits() {
  const packages = useQuery({
    queryKey: ['credit-packages'],
    queryFn: () => body(api.GET('/api/v1/billing/credit-packages')),
    staleTime: Infinity,
  });
  const buy = useMutation({
    mutationFn: (id: string) =>
      body(
        api.POST('/api/v1/llm/credits/purchase', {
          body: { package: id },
          // One session however often the request is retried on its way.
          params: { header: { 'idempotency-key': idempotencyKey() } },
        }),
      ),
    onSuccess: (checkout) => window.location.assign(checkout.url),
  });
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        Buy credits
      </Typography>
      {packages.isPending ? (
        <Loading what="the packages" />
      ) : packages.isError ? (
        <Failure error={packages.error} what="the packages" />
      ) : (
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mt: 1 }} flexWrap="wrap" useFlexGap>
          {packages.data.map((offer) => (
            <Button
              key={offer.id}
              variant="outlined"
              disabled={buy.isPending}
              onClick={() => buy.mutate(offer.id)}
              aria-label={`Buy ${credits(offer.credits_micros)} credits for ${usd(offer.price_cents)}`}
            >
              {credits(offer.credits_micros)} credits · {usd(offer.price_cents)}
            </Button>
          ))}
        </Stack>
      )}
      {buy.isPending && (
        <Typography variant="body2" color="text.secondary" role="status" sx={{ mt: 1 }}>
          Opening Stripe Checkout…
        </Typography>
      )}
      {buy.isError && (
        <Alert severity="error" role="alert" sx={{ mt: 1 }}>
          {buy.error.message}
        </Alert>
      )}
    </Paper>
  );
}
