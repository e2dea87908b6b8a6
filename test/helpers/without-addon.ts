// Modules loaded afresh with UFTP_NATIVE_CRYPTO=0, which stands in for a missing or too old addon: the
// node:crypto path, to hold beside the addon path the test file imports as usual.
type NativeCipher = typeof import('../../lib/crypto/native-cipher');

/** Runs `load` (which requires the modules wanted) in an isolated module registry without the addon's crypto. */
export function loadWithoutAddon<T>(load: () => T): T {
  const saved = process.env.UFTP_NATIVE_CRYPTO;
  process.env.UFTP_NATIVE_CRYPTO = '0';
  try {
    let loaded: T | undefined;
    jest.isolateModules(() => {
      loaded = load();
      (require('../../lib/crypto/native-cipher') as NativeCipher).nativeCrypto(); // the switch is read on first use
    });
    return loaded as T;
  } finally {
    if (saved === undefined) delete process.env.UFTP_NATIVE_CRYPTO;
    else process.env.UFTP_NATIVE_CRYPTO = saved;
  }
}
