import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { BEARER_SECURITY, newRouter, requireStaff } from '../http/context.js';
import { jsonBody, jsonResponse } from '../http/openapi.js';
import type { Language } from '../protocol/api/common.js';
import { impactQuery, impactReport, impactSettings, impactViewQuery, type ImpactReport } from '../protocol/api/impact.js';
import { reportCsv } from './csv.js';
import type { ImpactService } from './service.js';
import { setPublicPage } from './store.js';
import type { Db } from '../db/connection.js';

// The admin's impact report (DESIGN.md §1: admins see aggregate reports, never threads): the
// report as JSON, as CSV for funders, and as the server-rendered page fragment (charts and
// tables) the console shows; and the switch of the public page. Every form carries the same
// suppressed values (report.ts).

export interface ImpactRouteDeps {
  db: Db;
  impact: ImpactService;
  /** Renders the report's charts and tables as HTML in a language (web/pages/impact.tsx; app.ts passes it in). */
  renderView: (report: ImpactReport, lang: Language) => string;
}

const ADMIN = ['admin'] as const;
const tags = ['impact'];

const reportRoute = createRoute({
  method: 'get', path: '/admin/impact/report', operationId: 'getImpactReport', tags, security: BEARER_SECURITY,
  summary: 'The impact report of a period (a preset or first and last day): every metric by topic and language, counts below 5 as "<5" and complements "hidden" (admins)',
  request: { query: impactQuery },
  responses: { 200: jsonResponse(impactReport, 'The report') },
});
const csvRoute = createRoute({
  method: 'get', path: '/admin/impact/report/csv', operationId: 'getImpactReportCsv', tags, security: BEARER_SECURITY,
  summary: 'The same report as CSV (admins)',
  request: { query: impactQuery },
  responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'One line per metric and topic, then the median reply buckets' } },
});
const htmlRoute = createRoute({
  method: 'get', path: '/admin/impact/report/html', operationId: 'getImpactReportHtml', tags, security: BEARER_SECURITY,
  summary: 'The same report as an HTML fragment: SVG charts (role="img", with title and description) each beside its table, rendered on the server (admins)',
  request: { query: impactViewQuery },
  responses: { 200: { content: { 'text/html': { schema: z.string() } }, description: 'A <section> to place in the console' } },
});
const settingsRoute = createRoute({
  method: 'get', path: '/admin/impact/settings', operationId: 'getImpactSettings', tags, security: BEARER_SECURITY,
  summary: 'Whether the public report page is on (admins)',
  responses: { 200: jsonResponse(impactSettings, 'Settings') },
});
const updateSettingsRoute = createRoute({
  method: 'put', path: '/admin/impact/settings', operationId: 'updateImpactSettings', tags, security: BEARER_SECURITY,
  summary: 'Switch the public report page (/{lang}/impact, whole past months) on or off (admins)',
  request: jsonBody(impactSettings),
  responses: { 200: jsonResponse(impactSettings, 'Settings') },
});

export function impactRoutes(deps: ImpactRouteDeps) {
  const { db, impact } = deps;
  return newRouter()
    .openapi(reportRoute, (c) => {
      requireStaff(c, ADMIN);
      return c.json(impact.report(c.req.valid('query')), 200);
    })
    .openapi(csvRoute, (c) => {
      requireStaff(c, ADMIN);
      const report = impact.report(c.req.valid('query'));
      return c.body(reportCsv(report), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="tynys-impact-${report.from}-${report.to}.csv"`,
      });
    })
    .openapi(htmlRoute, (c) => {
      requireStaff(c, ADMIN);
      const { lang, ...query } = c.req.valid('query');
      return c.html(deps.renderView(impact.report(query), lang), 200);
    })
    .openapi(settingsRoute, (c) => {
      requireStaff(c, ADMIN);
      return c.json({ publicPage: impact.publicPageEnabled() }, 200);
    })
    .openapi(updateSettingsRoute, (c) => {
      requireStaff(c, ADMIN);
      setPublicPage(db, c.req.valid('json').publicPage);
      return c.json({ publicPage: impact.publicPageEnabled() }, 200);
    });
}
