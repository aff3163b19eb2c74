import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client';

const POWER_LEVELS = ['eco', 'balanced', 'precision'] as const;
const ROUTE_HEADERS = [
  'x-ops-provider',
  'x-ops-model',
  'x-ops-route-reason',
  'x-ops-power-level',
  'x-ops-cost-micros',
];

function openAiError(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

export function Playground() {
  const [prompt, setPrompt] = useState('');
  const [level, setLevel] = useState<(typeof POWER_LEVELS)[number]>('balanced');
  const send = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/api/v1/llm/chat/completions', {
        // The document types messages loosely (string[]); the wire format is OpenAI's.
        body: {
          model: 'auto',
          power_level: level,
          messages: [{ role: 'user', content: prompt }] as unknown as string[],
        },
      });
      // The gateway answers errors as OpenAI does: {error: {message, code}}.
      if (!response.ok) throw new Error(openAiError(error) ?? `The gateway answered ${response.status}`);
      const route = Object.fromEntries(
        ROUTE_HEADERS.map((name) => [name, response.headers.get(name) ?? '–']),
      );
      const answer = (data as unknown as { choices?: { message?: { content?: string } }[] }).choices?.[0]
        ?.message?.content;
      return { route, answer: answer ?? '' };
    },
  });
  return (
    <Paper sx={{ p: 2 }}>
      <Typography variant="h6" component="h3">
        Playground
      </Typography>
      <Stack
        spacing={1}
        component="form"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate();
        }}
      >
        <ToggleButtonGroup
          exclusive
          size="small"
          value={level}
          aria-label="Power level"
          onChange={(_event, value: (typeof POWER_LEVELS)[number] | null) => value && setLevel(value)}
        >
          {POWER_LEVELS.map((option) => (
            <ToggleButton key={option} value={option}>
              {option}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <TextField
          label="Prompt"
          multiline
          minRows={2}
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
        />
        <Button
          type="submit"
          variant="contained"
          disabled={!prompt || send.isPending}
          sx={{ alignSelf: 'flex-start' }}
        >
          Send
        </Button>
      </Stack>
      {send.isError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {send.error.message}
        </Alert>
      )}
      {send.data && (
        <Stack sx={{ mt: 1 }} data-testid="playground-route">
          {Object.entries(send.data.route).map(([name, value]) => (
            <Typography key={name} variant="body2">
              <code>{name}</code>: {value}
            </Typography>
          ))}
          <Typography sx={{ mt: 1, whiteSpace: 'pre-wrap' }}>{send.data.answer}</Typography>
        </Stack>
      )}
    </Paper>
  );
}
