import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/protocol/encoding.js';
import { KDF_LABELS, STAFF_KDF_BOUNDS } from '../../src/protocol/constants.js';
import { deriveAskerKeys, deriveKey, deriveStaffSecrets, refuseStaffKdf, STAFF_KDF } from '../../src/protocol/kdf.js';
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
    const labels = Object.values(KDF_LABELS);
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

  it('asserts the size of each input before deriving', async () => {
    const sodium = await loadSodium();
    expect(() => deriveAskerKeys(sodium, new Uint8Array(15))).toThrow(new RangeError('recoverySecret: expected 16 bytes, got 15'));
    expect(() => deriveKey(new Uint8Array(8), KDF_LABELS.askerAuth)).toThrow(/ikm: expected 16-64 bytes/);
    await expect(deriveStaffSecrets('p', new Uint8Array(15), { m: 64, t: 1, p: 1 })).rejects.toThrow(/salt: expected 16 bytes/);
    await expect(deriveStaffSecrets('p', new Uint8Array(16), { m: 64, t: 1, p: 2 })).rejects.toThrow(/p: expected 1-1/);
    await expect(deriveStaffSecrets('p', new Uint8Array(16), { m: 2 * 1024 * 1024, t: 1, p: 1 })).rejects.toThrow(RangeError);
    await expect(deriveStaffSecrets('p', new Uint8Array(16), { m: 64, t: 11, p: 1 })).rejects.toThrow(/t: expected 1-10/);
  });

  it('refuses Argon2id offers outside the fixed bounds; the floor is the client\'s, not the server\'s', () => {
    const salt = new Uint8Array(STAFF_KDF_BOUNDS.saltBytes);
    expect(STAFF_KDF).toEqual({ m: 64 * 1024, t: 3, p: 1 });
    expect(refuseStaffKdf(STAFF_KDF, salt)).toBeNull();
    expect(refuseStaffKdf(STAFF_KDF_BOUNDS.max, salt)).toBeNull();
    expect(refuseStaffKdf({ m: 8 * 1024, t: 1, p: 1 }, salt)).toBe('kdf_downgrade');
    expect(refuseStaffKdf({ m: 64 * 1024 - 1, t: 3, p: 1 }, salt)).toBe('kdf_downgrade');
    expect(refuseStaffKdf({ m: 64 * 1024, t: 2, p: 1 }, salt)).toBe('kdf_downgrade');
    expect(refuseStaffKdf({ m: 1024 * 1024 + 1, t: 3, p: 1 }, salt)).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf({ m: 64 * 1024, t: 11, p: 1 }, salt)).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf({ m: 64 * 1024, t: 3, p: 2 }, salt)).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf({ m: 64 * 1024, t: 3.5, p: 1 }, salt)).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf(STAFF_KDF, new Uint8Array(15))).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf(STAFF_KDF, new Uint8Array(17))).toBe('kdf_out_of_bounds');
    // A lowered floor (tests only) lowers the minimum, never the maximum or the salt length.
    const floor = { m: 256, t: 1, p: 1 };
    expect(refuseStaffKdf({ m: 256, t: 1, p: 1 }, salt, floor)).toBeNull();
    expect(refuseStaffKdf({ m: 128, t: 1, p: 1 }, salt, floor)).toBe('kdf_downgrade');
    expect(refuseStaffKdf({ m: 256, t: 11, p: 1 }, salt, floor)).toBe('kdf_out_of_bounds');
    expect(refuseStaffKdf({ m: 256, t: 1, p: 1 }, new Uint8Array(8), floor)).toBe('kdf_out_of_bounds');
  });
});
