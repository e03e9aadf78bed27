import { beforeAll, describe, expect, it } from 'vitest';
import { checkPin, decodeVault, encodeVault, openSecret, PinVault, sealSecret, type VaultArea } from '../../src/client/pin-vault.js';
import { PIN_VAULT } from '../../src/protocol/constants.js';
import { formatRecoveryCode } from '../../src/protocol/recovery-code.js';
import { randomBytes } from '../../src/protocol/encoding.js';
import { loadSodium, type Sodium } from '../../src/protocol/sodium.js';

// The PIN vault (src/client/pin-vault.ts) with real libsodium and real Argon2id: a remembered code
// opens only with its PIN, wrong PINs are counted in the stored record (a reload does not reset
// them) and the last one deletes it; anything that is not exactly a vault is not one.

let sodium: Sodium;
const CHEAP = { m: 64, t: 1, p: 1 };
const KEY = 'tynys.vault';

beforeAll(async () => { sodium = await loadSodium(); });

function fakeStorage(): VaultArea & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => { items.set(k, v); }, removeItem: (k) => { items.delete(k); } };
}

const vaultOn = (storage: VaultArea) => new PinVault({ sodium: loadSodium, area: () => storage, key: KEY, kdf: CHEAP });
const newCode = () => formatRecoveryCode(randomBytes(16));

describe('checkPin', () => {
  it('takes 4 to 12 digits that are not among the few everyone guesses first', () => {
    for (const pin of ['2580', '1357', '90210', '483920', '123456789013']) expect(checkPin(pin)).toBeNull();
    expect(checkPin('123')).toBe('length');
    expect(checkPin('1234567890123')).toBe('length');
    expect(checkPin('12a4')).toBe('digits');
    expect(checkPin('12 34')).toBe('digits');
    for (const pin of ['0000', '1111', '1234', '4567', '8901', '9876', '3210', '1212', '121212', '123456']) expect(checkPin(pin)).toBe('guessable');
  });
});

describe('the sealed secret', () => {
  it('opens with its PIN only; any altered byte, cost or salt refuses it', async () => {
    const secret = randomBytes(16);
    const record = await sealSecret(sodium, secret, '2580', CHEAP);
    expect(await openSecret(sodium, record, '2580')).toEqual(secret);
    expect(await openSecret(sodium, record, '2581')).toBeNull();
    const flipped = record.sealed.slice();
    flipped[3]! ^= 1;
    expect(await openSecret(sodium, { ...record, sealed: flipped }, '2580')).toBeNull();
    // The cost is bound in the associated data: a record whose cost was edited does not open, even with the PIN.
    expect(await openSecret(sodium, { ...record, kdf: { ...CHEAP, t: 2 } }, '2580')).toBeNull();
    const salt = record.salt.slice();
    salt[0]! ^= 1;
    expect(await openSecret(sodium, { ...record, salt }, '2580')).toBeNull();
  });

  it('is stored as text without the code or secret in it, and read back exactly', async () => {
    const secret = randomBytes(16);
    const code = formatRecoveryCode(secret);
    const record = await sealSecret(sodium, secret, '2580', CHEAP);
    const text = encodeVault(record);
    expect(text).not.toContain(code);
    expect(text).not.toContain(code.replaceAll('-', ''));
    expect(text).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(decodeVault(text)).toEqual(record);
    // Not a vault: other JSON, a cost out of bounds (it must not hang the tab), wrong sizes, a count above the limit.
    const fields = JSON.parse(text) as Record<string, unknown>;
    for (const bad of [
      'not json', '{}', JSON.stringify({ ...fields, m: 4 * 1024 * 1024 }), JSON.stringify({ ...fields, t: 1000 }), JSON.stringify({ ...fields, p: 4 }),
      JSON.stringify({ ...fields, salt: 'AAAA' }), JSON.stringify({ ...fields, left: PIN_VAULT.attempts + 1 }), JSON.stringify({ ...fields, extra: 1 }),
    ]) expect(decodeVault(bad)).toBeNull();
  });

  it('uses the documented cost by default', async () => {
    expect(PIN_VAULT.kdf).toEqual({ m: 19 * 1024, t: 2, p: 1 });
    const record = await sealSecret(sodium, randomBytes(16), '2580');
    expect(record.kdf).toEqual(PIN_VAULT.kdf);
  });
});

describe('the vault in storage', () => {
  it('remembers a code under a PIN and gives it back with that PIN', async () => {
    const storage = fakeStorage();
    const vault = vaultOn(storage);
    const code = newCode();
    expect(vault.exists()).toBe(false);
    await vault.save(code, '2580');
    expect(vault.exists()).toBe(true);
    expect([...storage.items.values()].join()).not.toContain(code);
    expect(await vault.unlock('2580')).toEqual({ ok: true, code });
    await expect(vault.save(code, '1234')).rejects.toThrow(/guessable/);
    await expect(vault.save('NOT-A-CODE', '2580')).rejects.toThrow(/code/);
  });

  it('counts wrong PINs in the stored record, so that a reload does not reset them, and forgets the code after the last', async () => {
    const storage = fakeStorage();
    const code = newCode();
    await vaultOn(storage).save(code, '2580');
    const lefts: unknown[] = [];
    for (let i = 0; i < PIN_VAULT.attempts - 1; i++) {
      // A new vault object each time: as a reload of the page would make.
      lefts.push(await vaultOn(storage).unlock(`99${i}7`));
    }
    expect(lefts).toEqual([4, 3, 2, 1].map((attemptsLeft) => ({ ok: false, reason: 'wrong_pin', attemptsLeft })));
    expect(vaultOn(storage).attemptsLeft()).toBe(1);
    expect(await vaultOn(storage).unlock('0007')).toEqual({ ok: false, reason: 'forgotten' });
    expect(storage.items.size).toBe(0);
    expect(await vaultOn(storage).unlock('2580')).toEqual({ ok: false, reason: 'none' });
  });

  it('resets the count when the right PIN opens it', async () => {
    const storage = fakeStorage();
    const code = newCode();
    const vault = vaultOn(storage);
    await vault.save(code, '2580');
    await vault.unlock('1111');
    await vault.unlock('2222');
    expect(vault.attemptsLeft()).toBe(3);
    expect(await vault.unlock('2580')).toEqual({ ok: true, code });
    expect(vault.attemptsLeft()).toBe(PIN_VAULT.attempts);
  });

  it('counts an attempt before deriving: a tab closed mid-derivation has used it up', async () => {
    const storage = fakeStorage();
    const vault = vaultOn(storage);
    await vault.save(newCode(), '2580');
    const pending = vault.unlock('7777');
    // The count is already written while the key is being derived.
    expect(decodeVault(storage.items.get(KEY)!)!.attemptsLeft).toBe(PIN_VAULT.attempts - 1);
    await pending;
  });

  it('throws away a damaged or tampered record instead of trying it', async () => {
    const storage = fakeStorage();
    storage.items.set(KEY, JSON.stringify({ v: 1, m: 1 << 30 }));
    const vault = vaultOn(storage);
    expect(vault.exists()).toBe(false);
    expect(storage.items.size).toBe(0);
    await vault.save(newCode(), '2580');
    storage.items.set(KEY, storage.items.get(KEY)!.replace(/"left":5/, '"left":0'));
    expect(await vault.unlock('2580')).toEqual({ ok: false, reason: 'forgotten' });
    expect(storage.items.size).toBe(0);
  });

  it('forget() deletes it', async () => {
    const storage = fakeStorage();
    const vault = vaultOn(storage);
    await vault.save(newCode(), '2580');
    vault.forget();
    expect(storage.items.size).toBe(0);
  });
});
