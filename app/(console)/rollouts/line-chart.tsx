'use client';

import dynamic from 'next/dynamic';

// Tremor's LineChart brings Recharts (about 110 KiB compressed): fetched when a plan's guardrail chart is
// drawn, not on every visit to Rollouts (issue #16 item 9).
export const LineChart = dynamic(() => import('@tremor/react/dist/components/chart-elements/LineChart/LineChart.js'), {
  ssr: false,
  loading: () => <div className="mt-2 h-48" />,
});
