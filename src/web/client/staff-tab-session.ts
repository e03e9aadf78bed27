import { ApiError, decodeStaffMaterial, encodeStaffMaterial, ProtocolError, StaffClient, type StaffClientOptions } from '../../client/index.js';
import type { TabVault } from './tab-vault.js';

// The staff console's session across a reload of its tab: after a login the session token and the
// secret keys are sealed in the tab's vault (tab-vault.ts); a reload opens them and resumes on the
// same session (StaffClient.resume) instead of asking for the passphrase. Logging out, or a session
// the server no longer knows, wipes them.

const NAME = 'staff';

/** Seals this client's session for the tab's life; the copies made for sealing are wiped. */
export async function keepForTab(vault: TabVault, client: StaffClient): Promise<void> {
  const material = client.exportMaterial();
  const bytes = encodeStaffMaterial(material);
  material.boxSecretKey.fill(0);
  material.signSecretKey.fill(0);
  try {
    await vault.seal(NAME, bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The client this tab had before its reload, or null: nothing kept, or the session ended (then
 * what was kept is wiped). A tab brought back too late (tab-vault.ts) is not resumed: its session
 * is logged out, so that what a disk or a restored session still holds is worth nothing. A
 * network failure keeps it for the next reload.
 */
export async function resumeFromTab(vault: TabVault, options: StaffClientOptions): Promise<StaffClient | null> {
  const opened = await vault.open(NAME);
  if (!opened) return null;
  const material = decodeStaffMaterial(opened.secret);
  opened.secret.fill(0);
  if (!material) {
    await vault.forget(NAME);
    return null;
  }
  try {
    const client = await StaffClient.resume(options, material);
    if (opened.current) return client;
    await client.logout().catch(() => undefined);
    client.forgetKeys();
    return null;
  } catch (err) {
    if (err instanceof ProtocolError || (err instanceof ApiError && err.status >= 400 && err.status < 500)) await vault.forget(NAME);
    return null;
  } finally {
    material.boxSecretKey.fill(0);
    material.signSecretKey.fill(0);
  }
}

/** Wipes what this tab kept (log out, log out everywhere, a session that ended). */
export function forgetForTab(vault: TabVault): Promise<void> {
  return vault.forget(NAME);
}
