import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../../api/client';
import type { LocalUserView } from '../../api/views';
import { DataTable } from '../../components/data-table';
import { ChoiceToggle, FormCard, ProblemAlert } from '../../components/forms';
import { useProblem } from '../../components/problem-form';

/** The path and query every account route takes. */
export interface AccountParams {
  path: { username: string };
  query: { host: string };
}

type Account = Pick<LocalUserView, 'host' | 'username'>;

/**
 * One kind of change to an account: the account (and its history) is read again once the API took it,
 * and the live feed moves its state on from pending; the API's field errors stay for the form.
 */
export function useAccountChange<Input>(
  account: Account,
  fields: readonly string[],
  send: (params: AccountParams, input: Input) => Promise<unknown>,
) {
  const client = useQueryClient();
  const problem = useProblem(fields);
  const mutation = useMutation({
    mutationFn: (input: Input) =>
      send({ path: { username: account.username }, query: { host: account.host } }, input),
    onMutate: () => problem.setProblem(null),
    onSuccess: () => client.invalidateQueries({ queryKey: ['local-user', account.host, account.username] }),
    onError: problem.setProblem,
  });
  return { ...problem, mutation };
}

/** A single setting with its own Save: its error (whatever the API says) under it. */
function SettingForm({
  account,
  field,
  label,
  initial,
  helper,
  type,
  save,
}: {
  account: Account;
  field: string;
  label: string;
  initial: string;
  helper: string;
  type?: 'date';
  save(params: AccountParams, text: string): Promise<unknown>;
}) {
  const [text, setText] = useState(initial);
  const change = useAccountChange(account, [field], save);
  const error = change.fieldError(field) ?? change.general ?? undefined;
  return (
    <Stack
      component="form"
      direction="row"
      spacing={1}
      alignItems="flex-start"
      onSubmit={(event) => {
        event.preventDefault();
        change.mutation.mutate(text.trim());
      }}
    >
      <TextField
        size="small"
        fullWidth
        label={label}
        type={type}
        value={text}
        onChange={(event) => setText(event.target.value)}
        error={!!error}
        helperText={error ?? helper}
        slotProps={type === 'date' ? { inputLabel: { shrink: true } } : undefined}
      />
      <Button
        type="submit"
        variant="outlined"
        disabled={change.mutation.isPending || text.trim() === initial}
        aria-label={`Save ${label.toLowerCase()}`}
      >
        Save
      </Button>
    </Stack>
  );
}

const listOf = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function SettingsPanel({ account }: { account: LocalUserView }) {
  const groups = account.groups.join(', ');
  return (
    <Paper sx={{ p: 2 }}>
      <Stack spacing={2}>
        <Typography variant="h6" component="h3">
          Settings
        </Typography>
        {/* Keyed by the value: a saved change, or one from elsewhere, resets the field to the account. */}
        <SettingForm
          key={`shell:${account.shell}`}
          account={account}
          field="shell"
          label="Shell"
          initial={account.shell}
          helper="A login shell the host lists in /etc/shells"
          save={(params, shell) =>
            body(api.PUT('/api/v1/local-users/{username}/shell', { params, body: { shell } }))
          }
        />
        <SettingForm
          key={`groups:${groups}`}
          account={account}
          field="groups"
          label="Groups"
          initial={groups}
          helper="Comma-separated; groups the host has"
          save={(params, text) =>
            body(api.PUT('/api/v1/local-users/{username}/groups', { params, body: { groups: listOf(text) } }))
          }
        />
        <SettingForm
          key={`expiry:${account.expires_on}`}
          account={account}
          field="expires_on"
          label="Expiry date"
          type="date"
          initial={account.expires_on ?? ''}
          helper="The last day the account works; empty: never"
          save={(params, day) =>
            body(
              api.PUT('/api/v1/local-users/{username}/expiry', { params, body: { expires_on: day || null } }),
            )
          }
        />
      </Stack>
    </Paper>
  );
}

type PasswordKind = 'password' | 'password_hash';
const PASSWORD_KINDS = [
  { value: 'password', label: 'Password' },
  { value: 'password_hash', label: 'crypt(3) hash' },
] as const;

export function PasswordPanel({ account }: { account: LocalUserView }) {
  const [kind, setKind] = useState<PasswordKind>('password');
  const [secret, setSecret] = useState('');
  const [forceChange, setForceChange] = useState(false);
  const change = useAccountChange(account, ['password', 'password_hash'], (params, _: void) =>
    body(
      api.POST('/api/v1/local-users/{username}/password', {
        params,
        body: {
          ...(kind === 'password' ? { password: secret } : { password_hash: secret }),
          force_change: forceChange,
        },
      }),
    ),
  );
  const expire = useAccountChange(account, [], (params, _: void) =>
    body(api.POST('/api/v1/local-users/{username}/password/expire', { params })),
  );
  const error = change.fieldError(kind) ?? change.fieldError('password');
  return (
    <FormCard onSubmit={() => change.mutation.mutate(undefined, { onSuccess: () => setSecret('') })}>
      <Typography variant="h6" component="h3">
        Password
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {account.has_password ? 'A password is set.' : 'No password is set.'}
        {account.force_password_change ? ' It must be changed at the next login.' : ''}
      </Typography>
      <ProblemAlert message={change.general ?? expire.general} />
      <ChoiceToggle<PasswordKind>
        label="Give a password or a hash"
        value={kind}
        options={PASSWORD_KINDS}
        onChange={setKind}
      />
      <TextField
        size="small"
        label={kind === 'password' ? 'New password' : 'Password hash'}
        type={kind === 'password' ? 'password' : 'text'}
        autoComplete="new-password"
        value={secret}
        onChange={(event) => setSecret(event.target.value)}
        error={!!error}
        helperText={
          error ??
          (kind === 'password'
            ? 'Hashed at once (SHA-512 crypt) and sealed to the host; never stored as typed'
            : '$6$, $5$ or $y$')
        }
        required
      />
      <FormControlLabel
        control={
          <Checkbox checked={forceChange} onChange={(event) => setForceChange(event.target.checked)} />
        }
        label="Must change it at the next login"
      />
      <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
        <Button type="submit" variant="contained" disabled={change.mutation.isPending}>
          Set password
        </Button>
        <Button
          variant="outlined"
          disabled={expire.mutation.isPending}
          onClick={() => expire.mutation.mutate()}
        >
          Expire now
        </Button>
      </Stack>
    </FormCard>
  );
}

export function SshKeysPanel({ account }: { account: LocalUserView }) {
  const [line, setLine] = useState('');
  const add = useAccountChange(account, ['key'], (params, key: string) =>
    body(api.POST('/api/v1/local-users/{username}/ssh-keys', { params, body: { key } })),
  );
  const remove = useAccountChange(account, [], (params, fingerprint: string) =>
    body(
      api.DELETE('/api/v1/local-users/{username}/ssh-keys/{fingerprint}', {
        params: { ...params, path: { ...params.path, fingerprint } },
      }),
    ),
  );
  const keys = account.ssh_keys ?? [];
  return (
    <Paper sx={{ p: 2 }}>
      <Stack spacing={2}>
        <Typography variant="h6" component="h3">
          SSH keys
        </Typography>
        <ProblemAlert message={add.general ?? remove.general} />
        {keys.length === 0 ? (
          <Typography color="text.secondary">No key yet: the account cannot log in with SSH.</Typography>
        ) : (
          <DataTable
            label="SSH keys"
            rows={keys}
            rowKey={(key) => key.fingerprint}
            columns={[
              { title: 'Type', cell: (key) => `${key.type} (${key.bits})` },
              {
                title: 'Fingerprint',
                cell: (key) => (
                  <Typography sx={{ fontFamily: 'monospace', fontSize: 12 }}>{key.fingerprint}</Typography>
                ),
                wideOnly: true,
              },
              { title: 'Comment', cell: (key) => key.comment || '–' },
              {
                title: 'Added',
                cell: (key) => `${new Date(key.added_at).toLocaleDateString()} by ${key.added_by}`,
                wideOnly: true,
              },
              {
                title: 'Remove',
                cell: (key) => (
                  <Button
                    size="small"
                    color="error"
                    disabled={remove.mutation.isPending}
                    aria-label={`Remove key ${key.comment || key.fingerprint}`}
                    onClick={() => remove.mutation.mutate(key.fingerprint)}
                  >
                    Remove
                  </Button>
                ),
              },
            ]}
          />
        )}
        <Stack
          component="form"
          spacing={1}
          onSubmit={(event) => {
            event.preventDefault();
            add.mutation.mutate(line.trim(), { onSuccess: () => setLine('') });
          }}
        >
          <TextField
            size="small"
            label="Public key"
            multiline
            minRows={2}
            value={line}
            onChange={(event) => setLine(event.target.value)}
            error={!!add.fieldError('key')}
            helperText={
              add.fieldError('key') ??
              'One authorized_keys line: ed25519, ecdsa, or RSA of 3072 bits and more'
            }
            required
          />
          <Button
            type="submit"
            variant="outlined"
            sx={{ alignSelf: 'flex-start' }}
            disabled={add.mutation.isPending}
          >
            Add key
          </Button>
        </Stack>
      </Stack>
    </Paper>
  );
}
