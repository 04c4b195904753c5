import { sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** The one route without a token: says only that a dashboard is here. */
export const healthHandler: RouteHandler = async ({ res }) => {
  sendOk(res, { status: 'ok' });
};
