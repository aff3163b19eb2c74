import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { api, body } from '../../api/client';
import { Failure, Loading } from '../../components/states';

/** One stream's hash chain, checked by the server; a break is named by its first bad revision. */
export function Verification({ stream }: { stream: string }) {
  const report = useQuery({
    queryKey: ['verify', stream],
    queryFn: () => body(api.GET('/api/v1/audit/streams/{stream}/verify', { params: { path: { stream } } })),
  });
  if (report.isPending) return <Loading what="the verification" />;
  if (report.isError) return <Failure error={report.error} what="the verification" />;
  const { ok, events, problems, problems_total, digest } = report.data;
  if (ok) {
    return (
      <Alert severity="success" data-testid="verification">
        {stream}: the hash chain of its {events} events is intact
        {digest ? `, and the latest signed digest (${digest.created_at ?? '?'}) holds its head.` : '.'}
      </Alert>
    );
  }
  const first = problems[0];
  return (
    <Alert severity="error" data-testid="verification">
      <Typography fontWeight="bold">
        {stream}: the chain breaks at revision {first?.revision ?? '?'} ({problems_total} problem
        {problems_total === 1 ? '' : 's'})
      </Typography>
      <ul>
        {problems.slice(0, 10).map((problem) => (
          <li key={`${problem.revision}-${problem.problem}`}>
            revision {problem.revision}: {problem.problem} – {problem.detail}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
