import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskerClient, ApiError, decodeStaffMaterial, encodeStaffMaterial, StaffClient, type QueueEvent } from '../../src/client/index.js';
import { startServer, type TestServer } from '../support/server.js';

// The live queue and the resumed session through the SDK over real HTTP: a psychologist follows
// their queue while an asker opens, a colleague claims, the asker returns and closes; a console
// reloaded in the same tab comes back on its session without the passphrase.

let s: TestServer;
let psyA: StaffClient;
let psyB: StaffClient;

beforeAll(async () => {
  s = await startServer();
  psyA = await s.addStaff(['psychologist'], ['ru'], 'queue-a');
  psyB = await s.addStaff(['psychologist'], ['ru'], 'queue-b');
});
afterAll(async () => { await s.stop(); });

describe('the live queue through the SDK', () => {
  it('new, claimed by a colleague, returned to the pool, closed; the time from the open request to the event is measured', async () => {
    const seen: { at: number; event: QueueEvent }[] = [];
    const stop = new AbortController();
    const following = psyA.followQueue({ onEvent: (event) => seen.push({ at: performance.now(), event }), signal: stop.signal });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]!.event).toEqual({ type: 'snapshot', threads: [] });

    const { client: asker } = await AskerClient.create(s.clientOptions);
    const latencies: number[] = [];
    let threadId = '';
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      threadId = await asker.openConsultation({ topic: 'anxiety', language: 'ru', urgency: 'urgent' });
      await expect.poll(() => seen.some((x) => x.event.type === 'new' && x.event.thread.id === threadId), { interval: 1 }).toBe(true);
      latencies.push(seen.find((x) => x.event.type === 'new' && x.event.thread.id === threadId)!.at - started);
      if (i < 4) await asker.close(threadId);
    }
    console.log(`queue event after the open request (SDK open + event), ms: ${latencies.map((l) => l.toFixed(1)).join(', ')}`);

    await psyB.claim(threadId);
    await expect.poll(() => seen.at(-1)?.event).toEqual({ type: 'claimed', id: threadId });
    await asker.returnToPool(threadId);
    await expect.poll(() => seen.at(-1)?.event).toMatchObject({ type: 'returned', thread: { id: threadId, status: 'open', urgency: 'urgent' } });
    await asker.close(threadId);
    await expect.poll(() => seen.at(-1)?.event).toEqual({ type: 'closed', id: threadId });
    stop.abort();
    await following;
  });

  it('resumes a session from its material without the passphrase; refuses another member\'s keys and an ended session', async () => {
    const psy = await StaffClient.login(s.clientOptions, 'queue-a', 'passphrase of queue-a');
    const bytes = encodeStaffMaterial(psy.exportMaterial());
    const material = decodeStaffMaterial(bytes)!;
    const resumed = await StaffClient.resume(s.clientOptions, material);
    expect(resumed.id).toBe(psy.id);
    expect(resumed.roles).toEqual(['psychologist']);
    expect(resumed.ownFingerprint()).toBe(psy.ownFingerprint());
    expect(await resumed.isInDirectory(true)).toBe(true);
    // The material is copied in: wiping it leaves the resumed client whole.
    material.signSecretKey.fill(0);
    const { client: asker } = await AskerClient.create(s.clientOptions);
    const id = await asker.openConsultation({ topic: 'sleep', language: 'ru', urgency: 'routine' });
    await resumed.claim(id);
    await resumed.send(id, 'resumed and answering');
    expect((await asker.read(id)).map((m) => m.text)).toEqual(['resumed and answering']);

    // A session paired with another member's keys is refused before anything is signed.
    const other = psyB.exportMaterial();
    await expect(StaffClient.resume(s.clientOptions, { ...decodeStaffMaterial(bytes)!, boxSecretKey: other.boxSecretKey, signSecretKey: other.signSecretKey }))
      .rejects.toMatchObject({ code: 'bad_thread_key' });
    await expect(StaffClient.resume(s.clientOptions, { ...other, staffId: psy.id })).rejects.toMatchObject({ code: 'bad_thread_key' });
    // After a logout the material is worth nothing.
    await resumed.logout();
    await expect(StaffClient.resume(s.clientOptions, decodeStaffMaterial(bytes)!)).rejects.toBeInstanceOf(ApiError);
    expect(decodeStaffMaterial(bytes.subarray(1))).toBeNull();
    expect(decodeStaffMaterial(Uint8Array.of(2, ...bytes.subarray(1)))).toBeNull();
  });
});
