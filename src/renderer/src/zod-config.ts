/**
 * Must be the first import of the entry point. zod 4 probes for `new Function`
 * (to compile fast object parsers) when a schema is built, and the contract
 * builds its schemas on import. Under our CSP (`script-src 'self'`, no
 * 'unsafe-eval') that probe is a reported CSP violation, so switch the JIT off
 * before any schema exists. The renderer parses nothing hot, so nothing is lost.
 */
import { config } from 'zod';

config({ jitless: true });
