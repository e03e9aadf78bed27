import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/protocol/encoding.js';
import { decodeBody, encodeBody, type MessageBody } from '../../src/protocol/message-body.js';

describe('message body (inside the encryption)', () => {
  it('round-trips text and the intake card', () => {
    const text = { type: 'text', at: 1_790_000_000_123, read: 4, text: 'не могу спать' } as const;
    expect(decodeBody(encodeBody(text))).toEqual(text);
    const intake: MessageBody = { type: 'intake', at: 1, read: 0, intake: { populations: ['plhiv', 'migrants'], ageGroup: '25-34', region: 'Алматы' } };
    expect(decodeBody(encodeBody(intake))).toEqual(intake);
  });

  it('refuses unknown keys, unknown populations, duplicates and non-JSON', () => {
    expect(decodeBody(utf8('{"type":"text","at":1,"read":0,"text":"x","extra":1}'))).toBeNull();
    expect(decodeBody(utf8('{"type":"intake","at":1,"read":0,"intake":{"populations":["nobody"]}}'))).toBeNull();
    expect(decodeBody(utf8('{"type":"intake","at":1,"read":0,"intake":{"populations":["msm","msm"]}}'))).toBeNull();
    expect(decodeBody(new Uint8Array([0xff, 0xfe]))).toBeNull();
    expect(() => encodeBody({ type: 'text', at: 1, read: 0, text: '' })).toThrow();
  });
});
