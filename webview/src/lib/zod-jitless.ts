// zod probes for `new Function` to compile fast parsers; under the page's CSP (no
// 'unsafe-eval') that probe is a reported policy violation. Imported first by main.ts so the
// setting is in place before any schema is built.
import { config } from 'zod/mini';

config({ jitless: true });
