import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body, bodyAs } from '../../api/client';
import type { LocalUserView, Page } from '../../api/views';
import { DataTable } from '../../components/data-table';
import { ProblemAlert } from '../../components/forms';
import { Failure, Loading } from '../../components/states';
import { navigate } from '../../router';
import { PasswordPanel, SettingsPanel, SshKeysPanel, useAccountChange } from './account-forms';
import { StateChip } from './state-chip';

interface HistoryEvent {
  revision: string;
  type: string;
  recorded_at: string;
  metadata: { actor?: string };
}

type Action = 'lock' | 'unlock' | 'sudo' | 'no-sudo' | 'delete';

function Summary({ account }: { account: LocalUserView }) {
  const [confirming, setConfirming] = useState(false);
  const act = useAccountChange(account, [], (params, action: Action) => {
    switch (action) {
      case 'lock':
        return body(api.POST('/api/v1/local-users/{username}/lock', { params }));
      case 'unlock':
        return body(api.POST('/api/v1/local-users/{username}/unlock', { params }));
      case 'sudo':
        return body(api.POST('/api/v1/local-users/{username}/sudo', { params }));
      case 'no-sudo':
        return body(api.DELETE('/api/v1/local-users/{username}/sudo', { params }));
      case 'delete':
        return body(api.DELETE('/api/v1/local-users/{username}', { params }));
    }
  });
  const outcome = account.last_outcome;
  return (
    <Paper sx={{ p: 2 }}>
      <Stack spacing={1}>
        <ProblemAlert message={act.general} />
        {account.state === 'failed' && outcome?.message && (
          <Alert severity="error">The host could not apply the latest change: {outcome.message}</Alert>
        )}
        <Typography>Shell: {account.shell}</Typography>
        <Typography>Groups: {account.groups.join(', ') || '–'}</Typography>
        <Typography>Expires: {account.expires_on ?? 'never'}</Typography>
        <Typography data-testid="locked">Locked: {account.locked ? 'yes' : 'no'}</Typography>
        <Typography>
          On the host: {account.on_host === null ? 'no inventory yet' : account.on_host ? 'yes' : 'no'}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ pt: 1 }} flexWrap="wrap" useFlexGap alignItems="center">
          <FormControlLabel
            control={
              <Switch
                checked={account.sudo}
                disabled={act.mutation.isPending}
                onChange={(event) => act.mutation.mutate(event.target.checked ? 'sudo' : 'no-sudo')}
              />
            }
            label="Sudo"
          />
          <Button
            variant="outlined"
            disabled={act.mutation.isPending}
            onClick={() => act.mutation.mutate(account.locked ? 'unlock' : 'lock')}
          >
            {account.locked ? 'Unlock' : 'Lock'}
          </Button>
          <Button variant="outlined" color="error" onClick={() => setConfirming(true)}>
            Delete
          </Button>
        </Stack>
      </Stack>
      <Dialog open={confirming} onClose={() => setConfirming(false)} aria-labelledby="delete-title">
        <DialogTitle id="delete-title">Delete {account.username}?</DialogTitle>
        <DialogContent>
          <Typography>The host agent removes the account from {account.host}; its home stays.</Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)}>Cancel</Button>
          <Button
            color="error"
            variant="contained"
            onClick={() => {
              setConfirming(false);
              act.mutation.mutate('delete');
            }}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </Paper>
  );
}

function History({ host, username }: { host: string; username: string }) {
  const history = useQuery({
    queryKey: ['local-user', host, username, 'history'],
    queryFn: () =>
      bodyAs<Page<HistoryEvent>>(
        api.GET('/api/v1/audit/streams/{stream}', {
          params: {
            path: { stream: `local-user-${host}/${username}` },
            header: { accept: 'application/json' },
          },
        }),
      ),
  });
  if (history.isPending) return <Loading what="the history" />;
  if (history.isError) return <Failure error={history.error} what="the history" />;
  return (
    <DataTable
      label="History"
      rows={history.data.items}
      rowKey={(event) => event.revision}
      columns={[
        { title: 'Revision', cell: (event) => event.revision, wideOnly: true },
        { title: 'Event', cell: (event) => event.type },
        { title: 'By', cell: (event) => event.metadata.actor ?? '–' },
        { title: 'When', cell: (event) => new Date(event.recorded_at).toLocaleString() },
      ]}
    />
  );
}

/** One account: every change the API offers, each on its own form; the state chip follows the host live. */
export function LocalUserDetails({ host, username }: { host: string; username: string }) {
  const account = useQuery({
    queryKey: ['local-user', host, username],
    queryFn: () =>
      body(api.GET('/api/v1/local-users/{username}', { params: { path: { username }, query: { host } } })),
  });

  if (account.isPending) return <Loading what="the account" />;
  if (account.isError) return <Failure error={account.error} what="the account" />;
  const view = account.data;
  return (
    <Stack spacing={2}>
      <Button
        sx={{ alignSelf: 'flex-start' }}
        onClick={() => navigate(`/local-users?host=${encodeURIComponent(view.host)}`)}
      >
        ← All accounts
      </Button>
      <Stack direction="row" spacing={2} alignItems="center">
        <Typography variant="h5" component="h2">
          {view.username} on {view.host}
        </Typography>
        <StateChip state={view.state} />
      </Stack>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <Stack spacing={2}>
            <Summary account={view} />
            <SettingsPanel account={view} />
          </Stack>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <PasswordPanel account={view} />
        </Grid>
      </Grid>
      <SshKeysPanel account={view} />
      <Typography variant="h6" component="h3">
        History
      </Typography>
      <History host={host} username={username} />
    </Stack>
  );
}
