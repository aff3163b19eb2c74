import { ApiProblem, api } from '../../api/client';
import type { Period } from './period';

/** A report as the API writes it in CSV, saved by the browser under the API's own file name. */
export async function downloadCsv(report: 'usage' | 'ledger', period: Period): Promise<void> {
  const { data, error, response } = await api.GET(`/api/v1/finance/${report}`, {
    params: { query: { ...period, format: 'csv' } },
    parseAs: 'blob',
  });
  if (!response.ok || !data) throw ApiProblem.from(error, response);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(data);
  link.download = name ?? `${report}-${period.from}-${period.to}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}
