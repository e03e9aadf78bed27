import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpoint } from '../../src/db/connection.js';
import { fromBase64Url, toBase64Url } from '../../src/protocol/encoding.js';
import { solveProofOfWork } from '../../src/protocol/pow.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { mintAsker, type TestAsker } from '../support/asker.js';
import { createStaff } from '../support/staff.js';

// The linkage attack of issue 10 replayed (DESIGN.md §2.9): with times to the millisecond, the
// only session used in the seconds before a published question was its asker's, and the flag
// that hid an entry landed milliseconds after its flagger's session use. Here twelve askers are
// active in the same hour, one asks a question that gets published, three flag an entry until it
// is hidden; then the database file alone (no pepper) is read the way a thief would, and every
// act leaves every session of that hour a suspect.

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ASKERS = 12;

let t: TestContext;
beforeEach(async () => { t = await createTestApp({ DEMO_CONTENT: true }); });
afterEach(() => t.close());

async function pow(token?: string) {
  const ch = await t.call('POST', '/api/pow/challenges', { token, json: { purpose: 'question' } });
  return { challenge: ch.body.challenge as string, counter: solveProofOfWork(fromBase64Url(ch.body.challenge)!, ch.body.bits)! };
}

interface SessionRow { identity_id: string; created_at: number; last_used_at: number }

/**
 * The thief's best guess at who did an act stored as `at`: the sessions with a recorded time
 * nearest to it. With times to the millisecond that is the one session whose use was that request.
 */
function suspects(sessions: SessionRow[], at: number): SessionRow[] {
  const distance = (s: SessionRow) => Math.min(Math.abs(s.created_at - at), Math.abs(s.last_used_at - at));
  const best = Math.min(...sessions.map(distance));
  return sessions.filter((s) => distance(s) === best);
}

/** The sessions that could have done an act at `at`: opened by then and used at it or later. */
const compatible = (sessions: SessionRow[], at: number) => sessions.filter((s) => s.created_at <= at && at <= s.last_used_at);

describe('the database file alone', () => {
  it('cannot single out which of the askers active in an hour asked, flagged or hid', async () => {
    // Staff come in the hour before; the askers' hour starts at 10:00 the next day.
    const hour = Math.floor(t.clock.now / DAY) * DAY + DAY + 10 * HOUR;
    t.clock.now = hour - HOUR + 13 * MINUTE + 4_321;
    const moderator = await createStaff(t, { roles: ['moderator'] });
    const moderator2 = await createStaff(t, { roles: ['moderator'] });
    const psychologist = await createStaff(t, { roles: ['psychologist'] });
    const sample = (await t.call('GET', '/api/kb/entries?language=ru')).body.entries[0].id as string;

    // Twelve askers log in at different minutes; half of them log in a second time later on.
    const at = (minute: number, ms: number) => { t.clock.now = hour + minute * MINUTE + ms; };
    const askers: TestAsker[] = [];
    for (let i = 0; i < ASKERS; i++) {
      at(1 + 2 * i, 37 * i + 11);
      askers.push(await mintAsker(t));
    }
    const tokens = askers.map((a) => [a.token]);
    for (let i = 0; i < ASKERS; i += 2) {
      at(26 + i, 500 + i);
      tokens[i]!.push((await t.call('POST', '/api/identities/sessions', { json: { authKey: toBase64Url(askers[i]!.keys.authKey) } })).body.token);
    }
    // Everyone reads shortly before the acts.
    const read = async (i: number, minute: number) => {
      at(minute, 211 * i + 3);
      for (const token of tokens[i]!) expect((await t.call('GET', '/api/kb/questions/mine', { token })).status).toBe(200);
    };
    for (let i = 0; i < ASKERS; i++) await read(i, 38 + (i % 4));

    // Asker 5 asks at 10:41:07.017; asker 3 marks the sample helpful; askers 2, 7 and 9 flag it,
    // and 9's flag, the third, hides it.
    at(41, 7_017);
    const q = await t.call('POST', '/api/kb/questions', { token: askers[5]!.token, json: { title: 'Как справиться с тревогой по ночам?', body: 'Каждую ночь тревога не даёт мне уснуть.', language: 'ru', pow: await pow() } });
    expect(q.status).toBe(201);
    at(43, 2);
    expect((await t.call('PUT', `/api/kb/entries/${sample}/helpful`, { token: askers[3]!.token })).status).toBe(200);
    for (const [i, minute] of [[2, 44], [7, 47], [9, 52]] as const) {
      at(minute, 3);
      expect((await t.call('POST', `/api/kb/entries/${sample}/flags`, { token: askers[i]!.token, json: { reason: 'harmful' } })).status).toBe(200);
    }
    expect((await t.call('GET', `/api/kb/entries/${sample}`)).status).toBe(404);

    // Staff publish the question two hours later.
    const mod = (path: string, token: string, json: unknown = {}) => t.call('POST', `/api/moderation/entries/${q.body.id}/${path}`, { token, json });
    t.clock.now = hour + 2 * HOUR + 5 * MINUTE + 999;
    expect((await mod('accept', moderator.token, { title: q.body.title, body: 'Каждую ночь тревога не даёт мне уснуть.', tags: ['anxiety'] })).status).toBe(200);
    expect((await mod('answer', psychologist.token, { answer: 'Попробуйте дыхательные упражнения и обратитесь к психологу.' })).status).toBe(200);
    expect((await mod('publish', moderator2.token)).status).toBe(200);

    // The thief: the file, without the pepper.
    checkpoint(t.db);
    const file = new Database(t.dbFile, { readonly: true });
    try {
      const sessions = file.prepare('SELECT identity_id, created_at, last_used_at FROM sessions WHERE identity_id IS NOT NULL').all() as SessionRow[];
      expect(sessions).toHaveLength(ASKERS + ASKERS / 2);
      const question = file.prepare("SELECT created_at, updated_at, published_at, asker_id FROM kb_entries WHERE kind = 'question' AND status = 'published' AND sample_key IS NULL").get() as
        { created_at: number; asker_id: string | null };
      expect(question.asker_id).toBeNull();
      const hidden = file.prepare('SELECT id, updated_at FROM kb_entries WHERE hidden = 1').get() as { id: string; updated_at: number };
      const askerActs = file.prepare("SELECT entry_id, action, at FROM moderation_log WHERE actor_kind IN ('asker', 'system') AND action <> 'seed_sample'").all() as { action: string; at: number }[];
      expect(askerActs.map((r) => r.action).sort()).toEqual(['hide_flagged', 'submit']);
      const flags = file.prepare('SELECT created_at FROM kb_flags').pluck().all() as number[];
      expect(flags).toHaveLength(3);

      // Every time an asker's act left (the question's, the log rows', the hidden entry's, the
      // flags' days) points at every session of the hour alike.
      const actTimes = [question.created_at, hidden.updated_at, ...askerActs.map((r) => r.at)];
      const everyone = new Set(askers.map((a) => a.identityId));
      for (const time of [...actTimes, ...flags]) {
        expect(suspects(sessions, time)).toHaveLength(sessions.length);
        expect(new Set(suspects(sessions, time).map((s) => s.identity_id))).toEqual(everyone);
      }
      for (const time of actTimes) expect(compatible(sessions, time)).toHaveLength(sessions.length);
    } finally {
      file.close();
    }
  });
});
