import { concatBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../../protocol/encoding.js';

// Secrets kept for one browser tab's life, so that a reload of the staff console does not ask for
// the passphrase again (issue 12, "Duty"); SECURITY.md, "Staying logged in across a reload", says
// what this protects and what it does not.
//
// Each tab makes its own AES-GCM key, non-extractable: the browser hands out a handle that can
// encrypt and decrypt but never its bytes. The handle lives in IndexedDB (which can hold a
// CryptoKey; sessionStorage holds only text) under the tab's random id; the sealed secret and the
// tab id live in sessionStorage, which the browser drops with the tab. Neither half opens anything
// alone: the ciphertext is in the tab's storage, the key in the origin's.
//
// What "the tab's life" means here:
// - A page using the vault holds a Web Lock named after its tab's id; the browser releases it
//   when the page goes. A key whose lock nobody holds belongs to a tab that is gone, and the next
//   page of the origin that starts deletes it (the sweep), whichever tab that page is in.
// - A browser can bring sessionStorage back (reopening a closed tab, restoring a session), so a
//   secret opens as current only within RELOAD_WINDOW_MS of its page being hidden (pagehide, or
//   frozen): the time a reload takes, not the time a closed tab can wait to be reopened. Later, it
//   opens once as stale, so that the caller can end what it stands for (the staff console logs
//   that session out), and is forgotten.
// - A copy of a tab's sessionStorage in another tab (a duplicated tab, window.open) never opens
//   the original's secret: it was not hidden, or the original still holds its lock. The copy
//   takes a tab id of its own and leaves the original's key alone.

export interface Opened {
  secret: Uint8Array;
  /** False: the tab came back too late (see above); the vault has forgotten it, the caller ends what it stood for. */
  current: boolean;
}

export interface TabVault {
  /** Seals `secret` for this tab under `name`; false when this browser cannot keep it (nothing is kept then). */
  seal(name: string, secret: Uint8Array): Promise<boolean>;
  /** The secret this tab sealed under `name` before a reload, or null (never sealed, another tab's, wiped). */
  open(name: string): Promise<Opened | null>;
  /** Forgets the secret under `name`, and the tab's key once nothing else is sealed with it. */
  forget(name: string): Promise<void>;
}

/** How long after its page was hidden a secret still opens: a reload on a slow line, not a tab reopened later. */
export const RELOAD_WINDOW_MS = 2 * 60_000;

const PREFIX = 'tynys.vault.';
const TAB = `${PREFIX}tab`;
const HIDDEN = `${PREFIX}hidden`;
const SEALED = `${PREFIX}sealed.`;
const DB_NAME = 'tynys-vault';
const STORE = 'tab-keys';
const lockName = (tab: string): string => `tynys-vault:${tab}`;
const IV_BYTES = 12;

interface KeyRecord {
  tab: string;
  key: CryptoKey;
}

/** WebCrypto's view of bytes this page made (never on a SharedArrayBuffer). */
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/** The associated data of a sealed secret: it opens only as this tab's, under this name. */
const associatedData = (tab: string, name: string): Uint8Array => utf8(`tynys tab-vault v1\n${tab}\n${name}`);

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => { r.result.createObjectStore(STORE, { keyPath: 'tab' }); };
  return request(r);
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await openDb();
  try {
    return await use(db.transaction(STORE, mode).objectStore(STORE));
  } finally {
    db.close();
  }
}

/** Whether this browser has what the vault needs; without it nothing is kept and the passphrase is asked after a reload. */
function supported(): boolean {
  return typeof indexedDB !== 'undefined' && typeof crypto?.subtle !== 'undefined' && typeof navigator.locks !== 'undefined' && typeof sessionStorage !== 'undefined';
}

/** The vault of this page's tab. */
export function tabVault(): TabVault {
  const storage = sessionStorage;
  let held: string | null = null;
  let started: Promise<'current' | 'stale' | 'foreign' | 'none'> | null = null;

  /** Holds this tab's lock for the page's life (the callback's promise never settles). */
  const hold = (tab: string): void => {
    if (held === tab) return;
    held = tab;
    void navigator.locks.request(lockName(tab), () => new Promise<void>(() => {}));
  };

  /** Deletes the keys of tabs that are gone: no page holds or waits for their lock (a stale tab's own is kept until it is opened). */
  const sweep = async (): Promise<void> => {
    const locks = await navigator.locks.query();
    const alive = new Set([...(locks.held ?? []), ...(locks.pending ?? [])].map((l) => l.name));
    await withStore('readwrite', async (store) => {
      const tabs = (await request(store.getAllKeys())).filter((k): k is string => typeof k === 'string');
      const mine = storage.getItem(TAB);
      await Promise.all(tabs.filter((tab) => tab !== held && tab !== mine && !alive.has(lockName(tab))).map((tab) => request(store.delete(tab))));
    });
  };

  const sealedNames = (): string[] => Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter((k): k is string => k?.startsWith(SEALED) ?? false);
  /** Forgets this tab's id and everything sealed with it here; the key goes with the sweep, or now when `key` says so. */
  const dropTab = async (options: { key: boolean }): Promise<void> => {
    const tab = storage.getItem(TAB);
    for (const k of sealedNames()) storage.removeItem(k);
    storage.removeItem(TAB);
    storage.removeItem(HIDDEN);
    if (tab && options.key) await withStore('readwrite', (store) => request(store.delete(tab)));
  };

  const markHidden = (): void => {
    if (storage.getItem(TAB)) storage.setItem(HIDDEN, String(Date.now()));
  };

  /**
   * Once per page, what this tab's sessionStorage stands for: the tab's own secrets after a reload
   * (`current`: its lock is taken again), its own brought back too late (`stale`), a copy of
   * another tab's (`foreign`: let go of, the key left to its owner and the sweep), or nothing. Then
   * the sweep.
   */
  const start = (): Promise<'current' | 'stale' | 'foreign' | 'none'> => (started ??= (async () => {
    addEventListener('pagehide', markHidden);
    document.addEventListener('freeze', markHidden);
    const tab = storage.getItem(TAB);
    const hiddenFor = Date.now() - Number(storage.getItem(HIDDEN) ?? Number.NaN);
    storage.removeItem(HIDDEN);
    let state: 'current' | 'stale' | 'foreign' | 'none' = 'none';
    if (tab) {
      const locks = await navigator.locks.query();
      const owned = [...(locks.held ?? []), ...(locks.pending ?? [])].some((l) => l.name === lockName(tab));
      state = !(hiddenFor >= 0) ? 'foreign' : hiddenFor < RELOAD_WINDOW_MS ? 'current' : owned ? 'foreign' : 'stale';
    }
    if (state === 'current') hold(tab!);
    if (state === 'foreign') await dropTab({ key: false });
    await sweep().catch(() => undefined);
    return state;
  })());

  const forget = async (name: string): Promise<void> => {
    storage.removeItem(SEALED + name);
    if (sealedNames().length === 0) await dropTab({ key: supported() });
  };

  return {
    forget,

    async seal(name, secret) {
      if (!supported()) return false;
      try {
        // A stale tab's old secrets are not sealed beside: it starts afresh.
        if ((await start()) === 'stale') await dropTab({ key: true });
        let tab = storage.getItem(TAB);
        if (!tab) {
          tab = toBase64Url(randomBytes(16));
          storage.setItem(TAB, tab);
        }
        hold(tab);
        const known = await withStore('readonly', (store) => request(store.get(tab!) as IDBRequest<KeyRecord | undefined>));
        let key = known?.key;
        if (!key) {
          key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
          const record: KeyRecord = { tab, key };
          await withStore('readwrite', (store) => request(store.put(record)));
        }
        const iv = randomBytes(IV_BYTES);
        const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: own(iv), additionalData: own(associatedData(tab, name)) }, key, own(secret)));
        storage.setItem(SEALED + name, toBase64Url(concatBytes(iv, sealed)));
        return true;
      } catch {
        await forget(name).catch(() => undefined);
        return false;
      }
    },

    async open(name) {
      if (!supported()) return null;
      try {
        const state = await start();
        const tab = storage.getItem(TAB);
        const blob = fromBase64Url(storage.getItem(SEALED + name) ?? '');
        if ((state !== 'current' && state !== 'stale') || !tab || !blob || blob.length <= IV_BYTES) return null;
        const record = await withStore('readonly', (store) => request(store.get(tab) as IDBRequest<KeyRecord | undefined>));
        if (!record) {
          await dropTab({ key: false });
          return null;
        }
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: own(blob.subarray(0, IV_BYTES)), additionalData: own(associatedData(tab, name)) }, record.key, own(blob.subarray(IV_BYTES)),
        );
        if (state === 'stale') await dropTab({ key: true });
        return { secret: new Uint8Array(plain), current: state === 'current' };
      } catch {
        await forget(name).catch(() => undefined);
        return null;
      }
    },
  };
}
