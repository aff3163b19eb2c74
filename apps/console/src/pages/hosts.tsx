import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body, bodyAs } from '../api/client';
import type { HostView, Page, Schemas } from '../api/views';
import { Pager, useCursorPages } from '../components/cursor-pages';
import { Captioned, DataTable } from '../components/data-table';
import { FormDialog, useFields } from '../components/forms';
import { useProblem } from '../components/problem-form';
import { Empty, Failure, Loading } from '../components/states';
import { navigate } from '../router';

/** The accounts a host's inventory disagrees with: unmanaged ones on it, managed ones missing from it. */
function Drift({ host }: { host: HostView }) {
  if (host.unmanaged_accounts === null || host.missing_accounts === null)
    return (
      <Typography variant="body2" color="text.secondary">
        no inventory yet
      </Typography>
    );
  if (host.unmanaged_accounts.length === 0 && host.missing_accounts.length === 0)
    return <Chip size="small" color="success" label="in sync" />;
  return (
    <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap>
      {host.unmanaged_accounts.map((username) => (
        <Chip key={`u-${username}`} size="small" color="warning" label={`unmanaged: ${username}`} />
      ))}
      {host.missing_accounts.map((username) => (
        <Chip key={`m-${username}`} size="small" color="error" label={`missing: ${username}`} />
      ))}
    </Stack>
  );
}

export function HostsPage() {
  const pages = useCursorPages('hosts');
  const { cursor } = pages;
  const [registering, setRegistering] = useState(false);
  const hosts = useQuery({
    queryKey: ['hosts', cursor],
    queryFn: () =>
      bodyAs<Page<HostView>>(api.GET('/api/v1/hosts', { params: { query: { limit: 20, cursor } } })),
  });
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} alignItems="center">
        <Typography variant="h5" component="h2" sx={{ flexGrow: 1 }}>
          Hosts
        </Typography>
        <Button variant="contained" onClick={() => setRegistering(true)}>
          Register host
        </Button>
      </Stack>
      {hosts.isPending ? (
        <Loading what="hosts" />
      ) : hosts.isError ? (
        <Failure error={hosts.error} what="hosts" />
      ) : hosts.data.items.length === 0 ? (
        <Empty title="No host is registered yet">Register one with its agent's public keys.</Empty>
      ) : (
        <DataTable
          label="Hosts"
          rows={hosts.data.items}
          rowKey={(host) => host.host_id}
          rowTestId={(host) => `host-${host.host_id}`}
          columns={[
            {
              title: 'Host',
              cell: (host) => <Captioned main={host.host_id} caption={host.name} />,
            },
            { title: 'Drift', cell: (host) => <Drift host={host} /> },
            {
              title: 'Inventory',
              cell: (host) =>
                host.inventory_taken_at ? new Date(host.inventory_taken_at).toLocaleString() : '–',
              wideOnly: true,
            },
            {
              title: 'Registered',
              cell: (host) => `${new Date(host.registered_at).toLocaleDateString()} by ${host.registered_by}`,
              wideOnly: true,
            },
            {
              title: 'Accounts',
              cell: (host) => (
                <Button
                  size="small"
                  aria-label={`Local users of ${host.host_id}`}
                  onClick={() => navigate(`/local-users?host=${encodeURIComponent(host.host_id)}`)}
                >
                  Local users
                </Button>
              ),
            },
          ]}
        />
      )}
      <Pager pages={pages} next={hosts.data?.next_cursor} />
      {registering && <RegisterHostDialog onClose={() => setRegistering(false)} />}
    </Stack>
  );
}

const FIELDS = ['host_id', 'name', 'agent_public_keys'] as const;
const AGENT_KEYS = [
  { key: 'signing', label: 'Signing key', helper: 'Ed25519, base64 SPKI DER ("signing")' },
  { key: 'sealing', label: 'Sealing key', helper: 'X25519, base64 SPKI DER ("sealing")' },
] as const;

function RegisterHostDialog({ onClose }: { onClose(): void }) {
  const client = useQueryClient();
  const { form, set } = useFields({ host_id: '', name: '', signing: '', sealing: '' });
  const { setProblem, fieldError, general } = useProblem(FIELDS);
  const register = useMutation({
    mutationFn: () => {
      const request: Schemas['RegisterHostDto'] = {
        host_id: form.host_id.trim(),
        name: form.name.trim(),
        // Both or neither: a half-typed pair is the API's to refuse, on the field that is wrong.
        ...(form.signing || form.sealing
          ? { agent_public_keys: { signing: form.signing.trim(), sealing: form.sealing.trim() } }
          : {}),
      };
      return body(api.POST('/api/v1/hosts', { body: request }));
    },
    onMutate: () => setProblem(null),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['hosts'] });
      onClose();
    },
    onError: setProblem,
  });

  return (
    <FormDialog
      id="register-host"
      title="Register a host"
      submit="Register"
      pending={register.isPending}
      general={general}
      onSubmit={() => register.mutate()}
      onClose={onClose}
    >
      <Typography variant="body2" color="text.secondary">
        On the host, <code>host-agent print-keys</code> prints its two public keys. Without them the host is
        inert: no command goes to it and none of its reports counts.
      </Typography>
      <TextField
        label="Host id"
        required
        autoFocus
        value={form.host_id}
        onChange={set('host_id')}
        error={!!fieldError('host_id')}
        helperText={fieldError('host_id') ?? 'Lowercase letters, digits, dots and dashes'}
      />
      <TextField
        label="Name"
        required
        value={form.name}
        onChange={set('name')}
        error={!!fieldError('name')}
        helperText={fieldError('name') ?? 'e.g. its DNS name'}
      />
      {AGENT_KEYS.map(({ key, label, helper }) => (
        <TextField
          key={key}
          label={label}
          value={form[key]}
          onChange={set(key)}
          error={!!fieldError(`agent_public_keys.${key}`)}
          helperText={fieldError(`agent_public_keys.${key}`) ?? helper}
        />
      ))}
    </FormDialog>
  );
}
