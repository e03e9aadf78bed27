import type { z } from 'zod';
import type {
  browseQuery, searchQuery} from '../protocol/api/knowledge.js';
import { browseResponse, publicEntrySchema, searchResponse, tagListResponse,
} from '../protocol/api/knowledge.js';
import { Http, type HttpOptions } from './http.js';

// The public knowledge base: no identity, no token. A reader who only reads never needs one.

export type SearchParams = z.input<typeof searchQuery>;
export type BrowseParams = z.input<typeof browseQuery>;

function queryString(params: Record<string, unknown>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) qs.append(k, String(x));
  }
  return qs.toString();
}

export class KnowledgeClient {
  private readonly http: Http;

  constructor(options: HttpOptions) {
    this.http = new Http(options);
  }

  search(params: SearchParams): Promise<z.output<typeof searchResponse>> {
    return this.http.request(searchResponse, 'GET', `/api/kb/search?${queryString(params)}`);
  }

  browse(params: BrowseParams = {}): Promise<z.output<typeof browseResponse>> {
    return this.http.request(browseResponse, 'GET', `/api/kb/entries?${queryString(params)}`);
  }

  entry(id: string): Promise<z.output<typeof publicEntrySchema>> {
    return this.http.request(publicEntrySchema, 'GET', `/api/kb/entries/${encodeURIComponent(id)}`);
  }

  async tags(): Promise<z.output<typeof tagListResponse>['tags']> {
    return (await this.http.request(tagListResponse, 'GET', '/api/kb/tags')).tags;
  }
}
