import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { navigate, usePath } from '../../router';
import { Digests } from './digests';
import { EventExplorer } from './events';
import { TimeTravel } from './time-travel';

const SECTIONS = [
  { path: '/audit', label: 'Events' },
  { path: '/audit/time-travel', label: 'Time travel' },
  { path: '/audit/digests', label: 'Digests' },
] as const;

/** The auditor's pages, each at its own address so it can be linked and reloaded. */
export function AuditPage() {
  const path = usePath();
  const section = SECTIONS.find((candidate) => candidate.path === path)?.path ?? '/audit';
  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h2">
        Audit
      </Typography>
      <Tabs
        value={section}
        onChange={(_event, value: string) => navigate(value)}
        aria-label="Audit sections"
        variant="scrollable"
      >
        {SECTIONS.map((candidate) => (
          <Tab key={candidate.path} value={candidate.path} label={candidate.label} />
        ))}
      </Tabs>
      {section === '/audit/time-travel' ? (
        <TimeTravel />
      ) : section === '/audit/digests' ? (
        <Digests />
      ) : (
        <EventExplorer />
      )}
    </Stack>
  );
}
