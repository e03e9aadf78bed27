import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { deriveAskerKeys, deriveKey, deriveStaffSecrets, LABELS } from '../../src/protocol/kdf.js';
import { loadSodium } from '../../src/protocol/sodium.js';

// Known-answer vectors pinned from this implementation: a change of label, salt or algorithm
// would lock every asker out of their identity, so it must fail here first.
const SECRET = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('key derivation', () => {
  it('derives the same asker keys from the same secret (pinned vectors)', async () => {
    const sodium = await loadSodium();
    const keys = deriveAskerKeys(sodium, SECRET);
    expect({
      auth: toBase64Url(keys.authKey),
      box: toBase64Url(keys.box.publicKey),
      sign: toBase64Url(keys.sign.publicKey),
    }).toMatchInlineSnapshot(`
      {
        "auth": "m8H5Dqxjl6Us0qLrkw98MXN-4egDLL_VaHVrM8UrIGI",
        "box": "jmQggkjI7GC-8m6fR9rmkeSXyNbzPtoE_OgsUd1LUHM",
        "sign": "3Sm6W46bB5ahG6ca3RvoDKSrGZNzvccWaSIjwvnS870",
      }
    `);
  });

  it('gives independent keys per label', () => {
    const labels = Object.values(LABELS);
    const keys = new Set(labels.map((l) => toBase64Url(deriveKey(SECRET, l))));
    expect(keys.size).toBe(labels.length);
  });

  it('stretches a staff passphrase with Argon2id (small cost here; STAFF_KDF in production)', async () => {
    const salt = new Uint8Array(16).fill(7);
    const a = await deriveStaffSecrets('correct horse battery staple', salt, { m: 64, t: 1, p: 1 });
    const b = await deriveStaffSecrets('correct horse battery staple', salt, { m: 64, t: 1, p: 1 });
    const c = await deriveStaffSecrets('correct horse battery stapler', salt, { m: 64, t: 1, p: 1 });
    expect(toBase64Url(a.authKey)).toBe(toBase64Url(b.authKey));
    expect(toBase64Url(a.authKey)).not.toBe(toBase64Url(c.authKey));
    expect(toBase64Url(a.authKey)).not.toBe(toBase64Url(a.wrapKey));
    expect({ auth: toBase64Url(a.authKey), wrap: toBase64Url(a.wrapKey) }).toMatchInlineSnapshot(`
      {
        "auth": "IvuF7dHja5g-XxJbR5ZpdNuQzxQ2XxfrI2Fe_JHBkjg",
        "wrap": "GxDeg8uamU-xjdrR-agsqyYS43cHhSH79GwuSdnXi9g",
      }
    `);
  });
});
