import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { api, body } from '../api/client';
import { Loading } from '../components/states';
import { finishSignIn, isCallback, type OidcConfig, signInProblem, startSignIn } from '../oidc';
import type { Session } from '../session';

/** Keycloak mode: a button that goes to the provider, and the page it sends the browser back to. */
export function OidcSignIn({ config, onSignIn }: { config: OidcConfig; onSignIn(session: Session): void }) {
  const [callback] = useState(() => {
    const url = new URL(window.location.href);
    return isCallback(url) ? url : null;
  });
  const [problem, setProblem] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    if (!callback) return;
    // The code is spent by this exchange: keep it out of the history and of a reload.
    window.history.replaceState(null, '', '/console/sign-in');
    let current = true;
    (async () => {
      const token = await finishSignIn(config, callback);
      const user = await body(
        api.GET('/api/v1/console/me', { headers: { Authorization: `Bearer ${token.access_token}` } }),
      );
      if (current) onSignIn({ ...token, user });
    })().catch((error: unknown) => current && setProblem(signInProblem(error)));
    return () => {
      current = false;
    };
  }, [callback]);

  if (callback && !problem) return <Loading what="your session" />;
  return (
    <>
      {problem && (
        <Alert severity="error" role="alert" sx={{ mb: 2 }}>
          {problem}
        </Alert>
      )}
      <Typography gutterBottom>
        Sign in with your organisation’s account ({new URL(config.issuer).host}).
      </Typography>
      <Button
        variant="contained"
        disabled={leaving}
        onClick={() => {
          setLeaving(true);
          setProblem(null);
          startSignIn(config).catch((error: unknown) => {
            setLeaving(false);
            setProblem(signInProblem(error));
          });
        }}
      >
        Sign in with Keycloak
      </Button>
    </>
  );
}
