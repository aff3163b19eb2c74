import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiProblem, api, body } from '../api/client';
import { Failure, Loading } from '../components/states';
import type { Session } from '../session';
import { OidcSignIn } from './oidc-sign-in';

/** Signs in as the server is set up: one-time links (local mode) or OpenID Connect (keycloak mode). */
export function SignInPage({ onSignIn }: { onSignIn(session: Session): void }) {
  const config = useQuery({
    queryKey: ['console-config'],
    queryFn: () => body(api.GET('/api/v1/console/config')),
  });
  const oidc = config.data?.oidc;
  return (
    <Box component="main" sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh', p: 2 }}>
      <Paper sx={{ p: 4, maxWidth: 480 }}>
        <Typography variant="h5" component="h1" gutterBottom>
          ops-center console
        </Typography>
        {config.isPending ? (
          <Loading what="the sign-in" />
        ) : config.isError ? (
          <Failure error={config.error} what="the sign-in" />
        ) : oidc ? (
          <OidcSignIn config={oidc} onSignIn={onSignIn} />
        ) : (
          <LinkSignIn onSignIn={onSignIn} />
        )}
      </Paper>
    </Box>
  );
}

/** Exchanges the code of a one-time link (`/console/sign-in#code=…`) for a session. */
function LinkSignIn({ onSignIn }: { onSignIn(session: Session): void }) {
  const [code] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('code'));
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!code) return;
    // The code is spent by this request: keep it out of the history and of a reload.
    window.history.replaceState(null, '', '/console/sign-in');
    let current = true;
    body(api.POST('/api/v1/console/sessions', { body: { code } })).then(
      (session) => current && onSignIn(session),
      (error: unknown) =>
        current &&
        setProblem(
          error instanceof ApiProblem
            ? (error.on('code') ?? error.message)
            : 'The server could not be reached.',
        ),
    );
    return () => {
      current = false;
    };
  }, [code]);

  return (
    <>
      {code && !problem && <Loading what="your session" />}
      {problem && (
        <Alert severity="error" role="alert" sx={{ mb: 2 }}>
          {problem}
        </Alert>
      )}
      {(!code || problem) && (
        <Typography>
          Open a sign-in link: the server prints one for the first admin when it starts, and{' '}
          <code>npm run console-link</code> prints a new one. Each link works once, within 15 minutes.
        </Typography>
      )}
    </>
  );
}
