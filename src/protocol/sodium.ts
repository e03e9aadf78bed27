import sodium from 'libsodium-wrappers';

// libsodium's WebAssembly must be initialised once before any call; every crypto step awaits this.
export type Sodium = typeof sodium;

export async function loadSodium(): Promise<Sodium> {
  await sodium.ready;
  return sodium;
}
