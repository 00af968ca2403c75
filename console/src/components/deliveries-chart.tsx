import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../api-types';
import type { HourlyCounts } from '../hourly-counts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLORS: Record<DeliveryStatus, string> = {
  delivered: '#1a7f37',
  failed: '#cf222e',
  pending: '#9a6700',
  skipped: '#6e7781',
};

/** A stacked bar per hour; the canvas gets a text summary, since a chart says nothing to a screen reader. */
export function DeliveriesChart({ data }: { data: HourlyCounts }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, {
      type: 'bar',
      data: {
        labels: data.hours.map((hour) => hour.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
        datasets: DELIVERY_STATUSES.map((status) => ({
          label: status,
          data: data.counts[status],
          backgroundColor: COLORS[status],
        })),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [data]);
  const totals = DELIVERY_STATUSES.map(
    (status) => `${data.counts[status].reduce((sum, count) => sum + count, 0)} ${status}`,
  ).join(', ');
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={`Deliveries by status per hour over the last 24 hours: ${totals}`} />
    </div>
  );
}
