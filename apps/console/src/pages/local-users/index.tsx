import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { DataTable } from '../../components/data-table';
import { FormDialog, useFields } from '../../components/forms';
import { api, body, bodyAs } from '../../api/client';
import type { HostView, LocalUserView, Page, Schemas } from '../../api/views';
import { useProblem } from '../../components/problem-form';
import { Empty, Failure, Loading } from '../../components/states';
import { navigate } from '../../router';
import { StateChip } from './state-chip';

function useHosts() {
  return useQuery({
    queryKey: ['hosts'],
    queryFn: () => bodyAs<Page<HostView>>(api.GET('/api/v1/hosts', { params: { query: { limit: 100 } } })),
  });
}

export { LocalUserDetails } from './details';
export { StateChip } from './state-chip';

export function LocalUsersPage() {
  const hosts = useHosts();
  // The Hosts page links here with ?host=…
  const [chosen, setHost] = useState<string | null>(() =>
    new URLSearchParams(window.location.search).get('host'),
  );
  const host = chosen ?? hosts.data?.items[0]?.host_id ?? null;
  const pages = useCursorPages(host);
  const [creating, setCreating] = useState(false);
  const { cursor } = pages;
  const accounts = useQuery({
    queryKey: ['local-users', host, cursor],
    enabled: host !== null,
    queryFn: () =>
      bodyAs<Page<LocalUserView>>(
        api.GET('/api/v1/local-users', { params: { query: { host: host!, limit: 20, cursor } } }),
      ),
  });

  if (hosts.isPending) return <Loading what="hosts" />;
  if (hosts.isError) return <Failure error={hosts.error} what="hosts" />;
  if (hosts.data.items.length === 0) return <Empty title="No host is registered yet" />;
  return (
    <Stack spacing={2}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} alignItems={{ sm: 'center' }}>
        <Typography variant="h5" component="h2" sx={{ flexGrow: 1 }}>
          Local users
        </Typography>
        <TextField
          select
          size="small"
          label="Host"
          value={host ?? ''}
          onChange={(event) => setHost(event.target.value)}
          sx={{ minWidth: 200 }}
        >
          {hosts.data.items.map((item) => (
            <MenuItem key={item.host_id} value={item.host_id}>
              {item.name || item.host_id}
            </MenuItem>
          ))}
        </TextField>
        <Button variant="contained" onClick={() => setCreating(true)}>
          Create user
        </Button>
      </Stack>
      {accounts.isPending ? (
        <Loading what="accounts" />
      ) : accounts.isError ? (
        <Failure error={accounts.error} what="accounts" />
      ) : accounts.data.items.length === 0 ? (
        <Empty title="No accounts on this host yet">
          Create one: the host agent applies it within seconds.
        </Empty>
      ) : (
        <DataTable
          label="Accounts"
          rows={accounts.data.items}
          rowKey={(account) => account.username}
          rowTestId={(account) => `account-${account.username}`}
          onRowClick={(account) =>
            navigate(
              `/local-users/${encodeURIComponent(account.host)}/${encodeURIComponent(account.username)}`,
            )
          }
          columns={[
            {
              title: 'Username',
              cell: (account) => (
                <Button variant="text" size="small" sx={{ textTransform: 'none', p: 0 }}>
                  {account.username}
                </Button>
              ),
            },
            { title: 'State', cell: (account) => <StateChip state={account.state} /> },
            { title: 'Shell', cell: (account) => account.shell, wideOnly: true },
            { title: 'Groups', cell: (account) => account.groups.join(', ') || '–', wideOnly: true },
            { title: 'Sudo', cell: (account) => (account.sudo ? 'yes' : 'no') },
          ]}
        />
      )}
      <Pager pages={pages} next={accounts.data?.next_cursor} />
      {creating && host && <CreateUserDialog host={host} onClose={() => setCreating(false)} />}
    </Stack>
  );
}

const SHELLS = ['/bin/bash', '/bin/sh', '/usr/bin/zsh', '/usr/sbin/nologin'];
const FIELDS = ['username', 'shell', 'groups', 'password', 'ssh_keys', 'sudo'] as const;

function CreateUserDialog({ host, onClose }: { host: string; onClose(): void }) {
  const client = useQueryClient();
  const { form, setForm, set } = useFields({
    username: '',
    shell: '/bin/bash',
    groups: '',
    password: '',
    keys: '',
    sudo: false,
  });
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const create = useMutation({
    mutationFn: () => {
      const request: Schemas['CreateLocalUserDto'] = {
        username: form.username,
        shell: form.shell,
        groups: form.groups
          .split(',')
          .map((group) => group.trim())
          .filter(Boolean),
        ssh_keys: form.keys
          .split('\n')
          .map((key) => key.trim())
          .filter(Boolean),
        sudo: form.sudo,
        force_password_change: false,
        adopt: false,
        ...(form.password ? { password: form.password } : {}),
      };
      return body(api.POST('/api/v1/local-users', { params: { query: { host } }, body: request }));
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['local-users', host] });
      onClose();
    },
    onError: setProblem,
  });

  return (
    <FormDialog
      id="create-user"
      title={`Create a user on ${host}`}
      submit="Create"
      pending={create.isPending}
      general={general}
      onSubmit={() => create.mutate()}
      onClose={onClose}
    >
      <TextField
        label="Username"
        required
        value={form.username}
        onChange={set('username')}
        error={!!fieldError('username')}
        helperText={fieldError('username')}
        autoFocus
      />
      <TextField
        select
        label="Shell"
        value={form.shell}
        onChange={set('shell')}
        error={!!fieldError('shell')}
        helperText={fieldError('shell')}
      >
        {SHELLS.map((shell) => (
          <MenuItem key={shell} value={shell}>
            {shell}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        label="Groups"
        placeholder="developers, docker"
        value={form.groups}
        onChange={set('groups')}
        error={!!fieldError('groups')}
        helperText={fieldError('groups') ?? 'Comma-separated'}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={form.password}
        onChange={set('password')}
        error={!!fieldError('password')}
        helperText={fieldError('password') ?? 'Optional; sealed before it is stored'}
      />
      <TextField
        label="SSH public keys"
        multiline
        minRows={2}
        value={form.keys}
        onChange={set('keys')}
        error={!!fieldError('ssh_keys')}
        helperText={fieldError('ssh_keys') ?? 'One per line'}
      />
      <FormControlLabel
        control={
          <Switch
            checked={form.sudo}
            onChange={(event) => setForm({ ...form, sudo: event.target.checked })}
          />
        }
        label="Sudo"
      />
    </FormDialog>
  );
}
