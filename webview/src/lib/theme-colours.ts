/** The page's theme as the graphs draw it: read from the CSS variables, so VS Code's theme wins inside the editor. */
export interface ChartColours {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly bg: string;
  readonly ok: string;
  readonly bad: string;
  readonly warn: string;
  readonly font: string;
  /** Distinct series colours, in order. */
  readonly series: readonly string[];
}

const SERIES = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];

export function readChartColours(root: Element = document.documentElement): ChartColours {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--fg', '#1f2328'),
    muted: read('--muted', '#59636e'),
    grid: read('--border', '#d1d9e0'),
    bg: read('--bg', '#ffffff'),
    ok: read('--ok', '#1a7f37'),
    bad: read('--bad', '#cf222e'),
    warn: read('--chart-warn', '#9a6700'),
    font: read('--font', 'system-ui, sans-serif'),
    series: SERIES.map((name, i) => read(name, ['#0969da', '#bc4c00', '#8250df', '#1a7f37', '#cf222e', '#9a6700'][i] ?? '#59636e')),
  };
}

/**
 * Calls `changed` when the theme may have changed: the system's light or dark preference (the
 * browser), or VS Code switching theme (it rewrites the classes of <body> and the variables on <html>).
 */
export function onThemeChange(changed: () => void): () => void {
  const dark = matchMedia('(prefers-color-scheme: dark)');
  dark.addEventListener('change', changed);
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => {
    dark.removeEventListener('change', changed);
    observer.disconnect();
  };
}

/** A colour at some opacity, for bands and running bars; leaves a colour it cannot parse as it is. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)?.[1];
  if (hex !== undefined) return `#${hex}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(colour);
  if (rgb !== null) return `rgba(${rgb[1]},${rgb[2]},${rgb[3]},${alpha})`;
  return colour;
}
