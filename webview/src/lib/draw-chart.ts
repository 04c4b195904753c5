import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import type { ChartColours } from './theme-colours';
import { runMinutes } from './format';

// Only what the graphs use, registered once: the rest of Chart.js is left out of the bundle.
Chart.register(LineController, LineElement, PointElement, ScatterController, BarController, BarElement, CategoryScale, LinearScale, Filler, Legend, Tooltip);

/**
 * Draws a chart on `canvas` in the theme's colours and returns what removes it. Animation is off:
 * a live run redraws on every event, and a graph that moves by itself is harder to read.
 */
export function drawChart<T extends ChartType>(canvas: HTMLCanvasElement, colours: ChartColours, config: ChartConfiguration<T>): () => void {
  Chart.defaults.color = colours.muted;
  Chart.defaults.borderColor = colours.grid;
  Chart.defaults.font.family = colours.font;
  const chart = new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  } as ChartConfiguration<T>);
  return () => chart.destroy();
}

/** An x axis of minutes since the run started, its ticks carrying their unit: `40 s`, `12 min` or `1.5 h`. */
export function minutesAxis(title: string): { type: 'linear'; min: number; title: { display: boolean; text: string }; ticks: { callback: (value: string | number) => string } } {
  return {
    type: 'linear',
    min: 0,
    title: { display: true, text: title },
    ticks: { callback: (value) => runMinutes(Number(value)) },
  };
}
