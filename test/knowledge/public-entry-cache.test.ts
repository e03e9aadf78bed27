import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { decideRevision, flagEntry, markHelpful, proposeRevision, publicEntry, retireEntry, type Decision } from '../../src/knowledge/service.js';
import { seedDemoContent } from '../../src/knowledge/seed.js';
import type { Actor } from '../../src/knowledge/workflow.js';
import { createTestApp, type TestContext } from '../support/app.js';

// GET /api/kb/entries/{id} keeps each entry's JSON until anything is written (service.ts
// publicEntryJson). An entry retired, hidden by flags or edited must never come from that cache.

let t: TestContext;
let id: string;
beforeEach(async () => {
  t = await createTestApp();
  seedDemoContent(t.db, t.clock.now);
  id = t.db.$client.prepare("SELECT id FROM kb_entries WHERE status = 'published' AND kind = 'question' LIMIT 1").pluck().get() as string;
});
afterEach(() => t.close());

const moderator: Actor = { kind: 'staff', staffId: 's_moderator', roles: ['moderator', 'psychologist'] };
const decision = (staffId: string): Decision & { staffId: string } => ({ actor: { ...moderator, staffId }, now: t.clock.now, places: [], staffId });
const entry = () => t.call('GET', `/api/kb/entries/${id}`);

describe('the public entry cache', () => {
  it('answers with the same bytes as the entry itself, twice', async () => {
    const first = await t.app.request(`/api/kb/entries/${id}`);
    expect(first.headers.get('Content-Type')).toBe('application/json');
    expect(await first.text()).toBe(JSON.stringify(publicEntry(t.db, id)));
    const again = await t.app.request(`/api/kb/entries/${id}`);
    expect(await again.text()).toBe(JSON.stringify(publicEntry(t.db, id)));
  });

  it('does not serve a retired entry', async () => {
    expect((await entry()).status).toBe(200);
    retireEntry(t.db, id, 'outdated', decision('s_moderator'));
    expect((await entry()).status).toBe(404);
  });

  it('does not serve an entry hidden by readers\' flags', async () => {
    expect((await entry()).status).toBe(200);
    flagEntry(t.db, t.pepper, 'i_reader', id, 'harmful', { flagThreshold: 1 }, t.clock.now);
    expect((await entry()).status).toBe(404);
  });

  it('serves an edit as soon as it is approved', async () => {
    const before = (await entry()).body as { title: string; answer: string };
    proposeRevision(t.db, id, { title: 'A new title', body: 'A new body of the question', answer: before.answer }, decision('s_author'));
    expect(((await entry()).body as { title: string }).title).toBe(before.title);
    decideRevision(t.db, id, 'approve', [], decision('s_moderator'));
    expect(((await entry()).body as { title: string }).title).toBe('A new title');
  });

  it('serves the new helpful count after a vote', async () => {
    const before = ((await entry()).body as { helpfulCount: number }).helpfulCount;
    markHelpful(t.db, t.pepper, 'i_reader', id);
    expect(((await entry()).body as { helpfulCount: number }).helpfulCount).toBe(before + 1);
  });

  it('sees a change committed by another connection to the same file (the admin CLI)', async () => {
    expect((await entry()).status).toBe(200);
    const other = openDatabase(t.dbFile);
    try {
      other.$client.prepare("UPDATE kb_entries SET status = 'retired' WHERE id = ?").run(id);
    } finally {
      other.$client.close();
    }
    expect((await entry()).status).toBe(404);
  });
});
