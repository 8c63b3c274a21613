import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// The bars themselves, in their own chunk (recharts is large): loaded with the first chart.

export interface Bars {
  data: { day: string; kg: number }[];
  large?: boolean;
  /** The tooltip's name of the value. */
  name: string;
}

const ForecastBars = ({ data, large, name }: Bars) => {
  const tooltip = <Tooltip formatter={(v) => [`${String(v)} kg`, name]} />;
  if (!large) {
    return (
      <BarChart width={160} height={40} data={data} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
        {tooltip}
        <Bar dataKey="kg" fill="#2e7d32" isAnimationActive={false} />
      </BarChart>
    );
  }
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 4, left: 4 }}>
        <XAxis dataKey="day" fontSize={11} />
        <YAxis fontSize={11} width={50} />
        {tooltip}
        <Bar dataKey="kg" fill="#2e7d32" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
};

export default ForecastBars;
