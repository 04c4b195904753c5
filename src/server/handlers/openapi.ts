import { sendBare } from '../reply';
import type { RouteHandler } from '../server-context';

/** The OpenAPI document, built once per server; it holds no data, so it needs no token. */
export const openApiHandler: RouteHandler = async ({ res }, context) => {
  sendBare(res, context.openApi);
};
