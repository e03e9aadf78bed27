import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.js';
import { languageSchema } from '../protocol/api/common.js';
import type { ImpactCounter } from './counter.js';

// Visits to the public pages (DESIGN.md §7). A visit is a public page served in full: a GET
// answered 200 with HTML under /ru/, /kk/ or /en/, except the staff console's page. The client
// address and user agent go straight into the day's keyed hash (visitors.ts) and nowhere else:
// not stored, not logged. Crawlers that say what they are are left out; a page served from a
// browser's or proxy's cache never reaches the server, so visits are a floor, not an exact count.

const CRAWLER = /bot|crawl|spider|slurp|preview|fetch|monitor|curl|wget|python|headless/i;

export interface VisitDeps {
  counter: ImpactCounter;
  /** The client address, as the rate limits see it (app.ts: the trusted proxy's header, an IPv6 /64). */
  addressOf: (c: Context<AppEnv>) => string;
}

/** Counts a visit after a public page was served; mounted on `/:lang/*` in app.ts. */
export function countVisits(deps: VisitDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 200) return;
    const [, first, second] = c.req.path.split('/');
    const language = languageSchema.safeParse(first);
    if (!language.success || second === 'staff') return;
    if (!c.res.headers.get('content-type')?.startsWith('text/html')) return;
    const userAgent = c.req.header('user-agent') ?? '';
    if (CRAWLER.test(userAgent)) return;
    deps.counter.visit({ address: deps.addressOf(c), userAgent, language: language.data });
  };
}
