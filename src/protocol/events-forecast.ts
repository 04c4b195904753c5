// The live forecast as an event: the engine appends one when the run starts and each time an
// attempt finishes, so the dashboard can draw verified work against the forecast and its band.

import type { EventEnvelope } from './events';
import type { LiveForecast } from './forecast';

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

export type ForecastUpdated = Body<'forecast.updated', { readonly forecast: LiveForecast }>;
