import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffClient } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

// A case consultation (DESIGN.md §5): a psychologist opens a thread of kind `case` to the
// supervisors of the language, same protocol: the supervisor's SDK checks that the opener is a
// verified colleague holding the keys the genesis names.

let s: TestServer;
let psy: StaffClient;
let supervisor: StaffClient;
let otherSupervisor: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psy = await s.addStaff(['psychologist'], ['kk'], 'case-psy');
  supervisor = await s.addStaff(['supervisor'], ['kk'], 'case-sup');
  otherSupervisor = await s.addStaff(['supervisor'], ['kk', 'ru'], 'case-sup-2');
});
afterAll(async () => { await s.stop(); });

describe('case consultation', () => {
  it('goes from a psychologist to the supervisor pool; one claims, they talk, and it is handed to a colleague', async () => {
    const threadId = await psy.openCase({ topic: 'treatment-adherence', language: 'kk', urgency: 'soon' });
    await psy.send(threadId, 'Клиент 30 жаста, терапияны тоқтатқысы келеді');
    expect((await supervisor.queue({ kind: 'case' })).map((t) => t.id)).toContain(threadId);
    expect((await supervisor.thread(threadId))).toMatchObject({ kind: 'case', language: 'kk', topic: 'treatment-adherence', urgency: 'soon' });
    await supervisor.claim(threadId);
    expect((await supervisor.read(threadId)).map((m) => [m.senderId, m.text])).toEqual([[psy.id, 'Клиент 30 жаста, терапияны тоқтатқысы келеді']]);
    await supervisor.send(threadId, 'Себебін сұрадыңыз ба?');
    await supervisor.handover(threadId, otherSupervisor.id);
    await otherSupervisor.send(threadId, 'Мен жалғастырамын');
    const seen = await psy.read(threadId);
    expect(seen.map((m) => [m.seq, m.senderId, m.mine])).toEqual([[1, psy.id, true], [3, supervisor.id, false], [5, otherSupervisor.id, false]]);
    expect((await psy.transcriptEvents(threadId)).holderId).toBe(otherSupervisor.id);
  });
});
