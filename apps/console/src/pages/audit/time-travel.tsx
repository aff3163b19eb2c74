import Paper from '@mui/material/Paper';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, body } from '../../api/client';
import { credits, Empty, Failure, Loading } from '../../components/states';
import type { Schemas } from '../../api/views';

type Subject =
  { kind: 'credit-account'; user: string } | { kind: 'local-user'; host: string; username: string };

type StateAt = Schemas['CreditAccountStateAtView'] | Schemas['LocalUserStateAtView'];

function fetchState(subject: Subject, at: string | undefined): Promise<StateAt> {
  const query = at ? { at } : {};
  return subject.kind === 'credit-account'
    ? body(
        api.GET('/api/v1/audit/credit-accounts/{user}/state', {
          params: { path: { user: subject.user }, query },
        }),
      )
    : body(
        api.GET('/api/v1/audit/local-users/{host}/{username}/state', {
          params: { path: { host: subject.host, username: subject.username }, query },
        }),
      );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography>{children}</Typography>
    </Stack>
  );
}

function CreditAccountFacts({ state }: { state: Schemas['CreditAccountStateView'] }) {
  return (
    <Stack direction="row" spacing={4} flexWrap="wrap" useFlexGap>
      <Fact label="Balance">
        <span data-testid="state-balance">{credits(state.balance_micros)}</span>
      </Fact>
      <Fact label="Available">{credits(state.available_micros)}</Fact>
      <Fact label="Held">{credits(state.reserved_micros)}</Fact>
      <Fact label="Plan">
        {state.plan.tier}, {state.plan.default_power_level}
        {state.plan.monthly_cap_micros ? `, cap ${credits(state.plan.monthly_cap_micros)}` : ''}
      </Fact>
    </Stack>
  );
}

function LocalUserFacts({ state }: { state: Schemas['LocalUserStateView'] }) {
  return (
    <Stack direction="row" spacing={4} flexWrap="wrap" useFlexGap>
      <Fact label="Account">
        <span data-testid="state-account">
          {state.deleted ? 'deleted' : state.exists ? (state.locked ? 'locked' : 'exists') : 'not created'}
        </span>
      </Fact>
      <Fact label="Shell">{state.shell || '–'}</Fact>
      <Fact label="Groups">{state.groups.join(', ') || '–'}</Fact>
      <Fact label="Sudo">{state.sudo ? 'yes' : 'no'}</Fact>
      <Fact label="SSH keys">{state.ssh_keys.length}</Fact>
    </Stack>
  );
}

/**
 * The subject's stream, folded by the server as of a moment: the slider picks one of the stream's
 * own revisions (the moment it was recorded), the field any instant.
 */
function Travel({ subject }: { subject: Subject }) {
  const [at, setAt] = useState<string | undefined>(undefined);
  const latest = useQuery({
    queryKey: ['state-now', subject],
    queryFn: () => fetchState(subject, undefined),
  });
  const stream = latest.data?.stream;
  const history = useQuery({
    queryKey: ['audit-stream', stream],
    enabled: stream !== undefined,
    queryFn: () =>
      body(
        api.GET('/api/v1/audit/streams/{stream}', {
          params: { path: { stream: stream ?? '' }, header: { accept: 'application/json' } },
        }),
      ),
  });
  const then = useQuery({
    queryKey: ['state-at', subject, at],
    enabled: at !== undefined,
    queryFn: () => fetchState(subject, at),
    placeholderData: keepPreviousData,
  });
  if (latest.isPending) return <Loading what="the state" />;
  if (latest.isError) return <Failure error={latest.error} what="the state" />;
  const shown = at === undefined ? latest.data : then.data;
  const revisions = history.data?.items ?? [];
  const revision = Number(shown?.revision ?? latest.data.revision);

  return (
    <Paper sx={{ p: 2 }}>
      <Stack spacing={2}>
        <Typography variant="subtitle1" component="h3">
          {latest.data.stream}
        </Typography>
        {revisions.length > 1 && (
          <Stack>
            <Typography id="revision-label" variant="body2">
              As of revision {revision} of {revisions.length - 1}
            </Typography>
            <Slider
              aria-labelledby="revision-label"
              min={0}
              max={revisions.length - 1}
              step={1}
              marks
              value={Math.min(revision, revisions.length - 1)}
              valueLabelDisplay="off"
              onChange={(_event, value) => setAt(revisions[value as number]?.recorded_at)}
            />
          </Stack>
        )}
        <TextField
          size="small"
          type="datetime-local"
          label="As of (your time)"
          slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1 } }}
          onChange={(event) => {
            const time = new Date(event.target.value);
            if (!Number.isNaN(time.getTime())) setAt(time.toISOString());
          }}
          sx={{ maxWidth: 320 }}
        />
        {then.isError && at !== undefined ? (
          <Failure error={then.error} what="the state then" />
        ) : !shown ? (
          <Loading what="the state then" />
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" data-testid="state-as-of">
              Revision {shown.revision}, recorded {new Date(shown.recorded_at).toLocaleString()}
            </Typography>
            {'balance_micros' in shown.state ? (
              <CreditAccountFacts state={shown.state} />
            ) : (
              <LocalUserFacts state={shown.state} />
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** Pick a credit account or a local user, then travel through its history. */
export function TimeTravel() {
  const [kind, setKind] = useState<Subject['kind']>('credit-account');
  const [fields, setFields] = useState({ user: '', host: 'local', username: '' });
  const [subject, setSubject] = useState<Subject | null>(null);
  const set = (field: keyof typeof fields) => (event: { target: { value: string } }) =>
    setFields((current) => ({ ...current, [field]: event.target.value }));

  return (
    <Stack spacing={2}>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={kind}
        aria-label="What to look at"
        onChange={(_event, value: Subject['kind'] | null) => value && setKind(value)}
      >
        <ToggleButton value="credit-account">Credit account</ToggleButton>
        <ToggleButton value="local-user">Local user</ToggleButton>
      </ToggleButtonGroup>
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={1}
        component="form"
        aria-label="Time travel"
        onSubmit={(event) => {
          event.preventDefault();
          setSubject(
            kind === 'credit-account'
              ? { kind, user: fields.user.trim() }
              : { kind, host: fields.host.trim(), username: fields.username.trim() },
          );
        }}
      >
        {kind === 'credit-account' ? (
          <TextField size="small" label="User id" value={fields.user} onChange={set('user')} />
        ) : (
          <>
            <TextField size="small" label="Host" value={fields.host} onChange={set('host')} />
            <TextField size="small" label="Username" value={fields.username} onChange={set('username')} />
          </>
        )}
        <Button type="submit" variant="contained">
          Show history
        </Button>
      </Stack>
      {subject ? (
        <Travel key={JSON.stringify(subject)} subject={subject} />
      ) : (
        <Empty title="Nothing chosen yet">
          Name a credit account or a local user to see its state at any revision or moment.
        </Empty>
      )}
    </Stack>
  );
}
