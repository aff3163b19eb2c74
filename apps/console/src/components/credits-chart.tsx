import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface CreditsBar {
  name: string;
  credits: number;
}

/** Micros as a number of credits, for chart scales only: every figure shown as text stays exact. */
export const chartCredits = (micros: string | bigint) => Number(micros) / 1e6;

/**
 * Credits per bar, the console's one chart: days along the bottom, or names down the side (providers,
 * models) where labels are long. Only lazily loaded pages import it, so recharts stays out of the
 * first load.
 */
export function CreditsChart({
  data,
  label,
  testId,
  names = 'bottom',
  color = '#1f4e8c',
}: {
  data: CreditsBar[];
  label: string;
  testId: string;
  names?: 'bottom' | 'side';
  color?: string;
}) {
  const side = names === 'side';
  return (
    <div role="img" aria-label={label} data-testid={testId}>
      <ResponsiveContainer width="100%" height={side ? Math.max(120, 40 * data.length + 40) : 220}>
        <BarChart
          data={data}
          layout={side ? 'vertical' : 'horizontal'}
          margin={side ? { left: 16 } : undefined}
        >
          <CartesianGrid strokeDasharray="3 3" />
          {side ? <XAxis type="number" /> : <XAxis dataKey="name" />}
          {side ? <YAxis type="category" dataKey="name" width={140} /> : <YAxis width={80} />}
          <Tooltip />
          {/* Drawn at once: a resize would replay the animation, and a screenshot catch it half-way. */}
          <Bar dataKey="credits" name="credits" fill={color} maxBarSize={48} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
