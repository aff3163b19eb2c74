import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Container from '@mui/material/Container';
import CssBaseline from '@mui/material/CssBaseline';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { createTheme, ThemeProvider } from '@mui/material/styles';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, useAccessToken } from './api/client';
import { Forbidden, Loading } from './components/states';
import { followLiveFeed } from './live';
import { providerSignOut } from './oidc';
import { CreditsPage } from './pages/credits';
import { HostsPage } from './pages/hosts';
import { LocalUserDetails, LocalUsersPage } from './pages/local-users';
import { ProvidersPage } from './pages/providers';
import { SignInPage } from './pages/sign-in';
import { navigate, usePath } from './router';
import { loadSession, mayOpen, PAGES, type Session, storeSession } from './session';

// Charts are the heaviest dependency: the pages that draw them load on first visit.
const ConsumerPage = lazy(() => import('./pages/consumer'));
const FinancePage = lazy(() => import('./pages/finance'));
// Only auditors and admins open the audit pages.
const AuditPage = lazy(() => import('./pages/audit').then((pages) => ({ default: pages.AuditPage })));

const theme = createTheme({
  palette: { primary: { main: '#1f4e8c' }, secondary: { main: '#6a3d9a' } },
  typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
});

const queries = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

function Page({ path, session }: { path: string; session: Session }) {
  if (!mayOpen(session, path)) return <Forbidden what="this page" />;
  const [, section, ...rest] = path.split('/');
  switch (section) {
    case 'local-users':
      return rest.length === 2 ? (
        <LocalUserDetails host={decodeURIComponent(rest[0])} username={decodeURIComponent(rest[1])} />
      ) : (
        <LocalUsersPage />
      );
    case 'hosts':
      return <HostsPage />;
    case 'credits':
      return <CreditsPage />;
    case 'providers':
      return <ProvidersPage />;
    case 'me':
      return <ConsumerPage session={session} />;
    case 'audit':
      return <AuditPage />;
    case 'finance':
      return <FinancePage />;
    default:
      return <Forbidden what="this page" />;
  }
}

function Shell({ session, onSignOut }: { session: Session; onSignOut(): void }) {
  const path = usePath();
  const client = useQueryClient();
  const [live, setLive] = useState(false);
  const allowed = PAGES.filter((page) => mayOpen(session, page.path));
  const first = allowed[0]?.path;

  useEffect(() => {
    if ((path === '/' || path === '/sign-in') && first) navigate(first);
  }, [path, first]);

  useEffect(() => {
    const stop = new AbortController();
    void followLiveFeed(client, stop.signal, setLive);
    return () => stop.abort();
  }, [client]);

  const tab = allowed.find((page) => path === page.path || path.startsWith(`${page.path}/`))?.path ?? false;
  return (
    <>
      <AppBar position="static" component="header">
        <Toolbar sx={{ gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1 }}>
            ops-center
          </Typography>
          <Chip
            size="small"
            color={live ? 'success' : 'default'}
            label={live ? 'Live' : 'Offline'}
            data-testid="live-state"
            sx={{ bgcolor: live ? undefined : 'grey.300' }}
          />
          <Typography variant="body2" data-testid="signed-in-as">
            {session.user.id} ({session.user.roles.join(', ')})
          </Typography>
          <Button color="inherit" onClick={onSignOut}>
            Sign out
          </Button>
        </Toolbar>
        <Tabs
          component="nav"
          aria-label="Pages"
          value={tab}
          onChange={(_event, value: string) => navigate(value)}
          variant="scrollable"
          textColor="inherit"
          indicatorColor="secondary"
          sx={{ bgcolor: 'primary.dark' }}
        >
          {allowed.map((page) => (
            <Tab key={page.path} value={page.path} label={page.label} />
          ))}
        </Tabs>
      </AppBar>
      <Container component="main" maxWidth="lg" sx={{ py: 3 }}>
        {allowed.length === 0 ? (
          <Forbidden what="any page of the console" />
        ) : (
          <Suspense fallback={<Loading what="the page" />}>
            <Page path={path} session={session} />
          </Suspense>
        )}
      </Container>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signedOut = useCallback(() => {
    storeSession(null);
    setSession(null);
    queries.clear();
  }, []);
  useAccessToken(session?.access_token ?? null, signedOut);

  const signIn = (next: Session) => {
    storeSession(next);
    useAccessToken(next.access_token, signedOut);
    setSession(next);
  };
  const signOut = async () => {
    const provider = providerSignOut();
    // A provider's token belongs to no console session: its session ends at the provider instead.
    if (!provider) await api.DELETE('/api/v1/console/sessions/current').catch(() => undefined);
    signedOut();
    if (provider) window.location.assign(provider);
    else navigate('/sign-in');
  };

  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'grey.50' }}>
      {session ? (
        <Shell session={session} onSignOut={() => void signOut()} />
      ) : (
        <SignInPage onSignIn={signIn} />
      )}
    </Box>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <QueryClientProvider client={queries}>
        <App />
      </QueryClientProvider>
    </ThemeProvider>
  </StrictMode>,
);
