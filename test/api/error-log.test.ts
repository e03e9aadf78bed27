import { DrizzleQueryError } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kbEntries } from '../../db/schema.js';
import { errorForLog } from '../../src/logger.js';
import { createTestApp, type TestContext } from '../support/app.js';

// DESIGN.md §2.2: a failed query's error can carry the query's parameters in its message (drizzle
// puts them there on its async paths), so the logs may keep an error's class, SQLite code and stack frames only.

let t: TestContext;
beforeEach(async () => { t = await createTestApp(); });
afterEach(() => t.close());

describe('error logging', () => {
  it('keeps the parameters of a failed query out of what is logged', () => {
    const SENTINEL = 'question-text-sentinel-93b1';
    const values: typeof kbEntries.$inferInsert = {
      id: 'e_x', kind: 'question', status: 'submitted', language: 'ru', title: SENTINEL, body: SENTINEL,
      askerId: 'i_gone', suggestedTags: [], piiAcknowledged: [], createdAt: 0, updatedAt: 0,
    };
    // A question from an identity that no longer exists: the foreign key fails.
    let driverError: unknown;
    try {
      t.db.insert(kbEntries).values(values).run();
    } catch (err) {
      driverError = err;
    }
    // Drizzle's async paths wrap it in an error whose message lists the parameters.
    const query = t.db.insert(kbEntries).values(values).toSQL();
    const wrapped = new DrizzleQueryError(query.sql, query.params, driverError as Error);
    expect(wrapped.message).toContain(SENTINEL);
    for (const err of [driverError, wrapped]) {
      const logged = errorForLog(err);
      expect(JSON.stringify(logged)).not.toContain(SENTINEL);
      expect(logged).toMatchObject({ name: expect.any(String), sqlite: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
      expect(logged.at.length).toBeGreaterThan(0);
    }
  });

  it('reads stack frames only after the message, which may hold text shaped like a frame', () => {
    const err = new Error('Failed query: insert ... params: question\n    at frame-shaped-sentinel-77 (my street 5)');
    const logged = errorForLog(err);
    expect(JSON.stringify(logged)).not.toContain('frame-shaped-sentinel-77');
    expect(logged.at.length).toBeGreaterThan(0);
  });

  it('describes a thrown non-error without its content', () => {
    expect(errorForLog('secret string')).toMatchObject({ name: 'Error' });
    expect(JSON.stringify(errorForLog({ message: 'secret' }))).not.toContain('secret');
  });
});
