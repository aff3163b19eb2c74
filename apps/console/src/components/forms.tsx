import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { type ReactNode, useState } from 'react';

/** A form of text fields: its values, and `set(key)` as the onChange of the field for `key`. */
export function useFields<Form extends object>(initial: Form) {
  const [form, setForm] = useState(initial);
  const set = (key: keyof Form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return { form, setForm, set };
}

/** A form's failure that names none of its fields (see useProblem's `general`). */
export function ProblemAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <Alert severity="error" role="alert">
      {message}
    </Alert>
  );
}

/** A form on a card of its own, submitted without a page load. */
export function FormCard({
  label,
  onSubmit,
  children,
}: {
  label?: string;
  onSubmit(): void;
  children: ReactNode;
}) {
  return (
    <Paper sx={{ p: 2 }}>
      <Stack
        spacing={2}
        component="form"
        aria-label={label}
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </Stack>
    </Paper>
  );
}

/** A dialog holding one form: its failure on top, Cancel and the submit button below. */
export function FormDialog({
  id,
  title,
  submit,
  pending,
  general,
  onSubmit,
  onClose,
  children,
}: {
  id: string;
  title: ReactNode;
  submit: string;
  pending: boolean;
  general: string | null;
  onSubmit(): void;
  onClose(): void;
  children: ReactNode;
}) {
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
      <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
      <DialogContent>
        <Stack
          spacing={2}
          sx={{ pt: 1 }}
          component="form"
          id={id}
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          <ProblemAlert message={general} />
          {children}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" form={id} variant="contained" disabled={pending}>
          {submit}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** One of a few values, as a select: the API's message for `error` under it, else `helper`. */
export function SelectField<Value extends string>({
  label,
  value,
  options,
  onChange,
  error,
  helper,
  compact = false,
}: {
  label: string;
  value: Value;
  options: readonly Value[];
  onChange(value: Value): void;
  error?: string;
  helper?: string;
  /** Small, and only as wide as its values: a filter beside other controls rather than a form field. */
  compact?: boolean;
}) {
  return (
    <TextField
      select
      fullWidth={!compact}
      size={compact ? 'small' : 'medium'}
      sx={compact ? { minWidth: 160 } : undefined}
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value as Value)}
      error={!!error}
      helperText={error ?? helper}
    >
      {options.map((option) => (
        <MenuItem key={option} value={option}>
          {option}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** One of a few values, side by side: for choices that change what the page shows. */
export function ChoiceToggle<Value extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: Value;
  options: readonly { value: Value; label: string }[];
  onChange(value: Value): void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={value}
      onChange={(_event, chosen: Value | null) => chosen && onChange(chosen)}
      aria-label={label}
    >
      {options.map((option) => (
        <ToggleButton key={option.value} value={option.value}>
          {option.label}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
