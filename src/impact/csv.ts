import { LANGUAGES } from '../protocol/api/common.js';
import type { ImpactReport, PublishedCount } from '../protocol/api/impact.js';

// The report as CSV for funders' spreadsheets: the same published values as the page (never a
// true small count), one line per metric and topic plus each metric's total line, and the
// median reply buckets. Every field is a number or a word from a fixed list, so nothing needs
// quoting and nothing can start a spreadsheet formula.

const HEADER = ['from', 'to', 'metric', 'topic', ...LANGUAGES, 'total'];
const cell = (v: PublishedCount): string => String(v);

export function reportCsv(report: ImpactReport): string {
  const lines = [HEADER.join(',')];
  const line = (metric: string, topic: string, values: string[]) => lines.push([report.from, report.to, metric, topic, ...values].join(','));
  for (const { metric, table } of report.metrics) {
    for (const row of table.rows) line(metric, row.topic, [...LANGUAGES.map((l) => cell(row.counts[l])), cell(row.total)]);
    if (table.rows.length !== 1) line(metric, 'all', [...LANGUAGES.map((l) => cell(table.totals[l])), cell(table.total)]);
  }
  const median = report.medianReply;
  line('median_first_reply', 'none', [...LANGUAGES.map((l) => median[l] ?? ''), median.all ?? '']);
  return `${lines.join('\r\n')}\r\n`;
}
