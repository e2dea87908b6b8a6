// The named curves of protocol.txt 5.3.12 by their OpenSSL names (index + 1 = UFTP's number).
// The one table: protocol/constants.ts makes its CURVES map from it.
const NAMES = [
  'sect163k1', 'sect163r1', 'sect163r2', 'sect193r1', 'sect193r2', 'sect233k1', 'sect233r1',
  'sect239k1', 'sect283k1', 'sect283r1', 'sect409k1', 'sect409r1', 'sect571k1', 'sect571r1',
  'secp160k1', 'secp160r1', 'secp160r2', 'secp192k1', 'prime192v1', 'secp224k1', 'secp224r1',
  'secp256k1', 'prime256v1', 'secp384r1', 'secp521r1',
] as const;

/** SECG names that OpenSSL files under their X9.62 names. */
const ALIASES: Readonly<Record<string, string>> = { secp192r1: 'prime192v1', secp256r1: 'prime256v1' };

export const UFTP_CURVES: readonly string[] = NAMES;

/** The OpenSSL name for a curve name or alias UFTP knows, or undefined. */
export function canonicalCurveName(name: string): string | undefined {
  const canonical = ALIASES[name] ?? name;
  return (NAMES as readonly string[]).includes(canonical) ? canonical : undefined;
}

export function curveId(name: string): number | undefined {
  const canonical = canonicalCurveName(name);
  return canonical === undefined ? undefined : (NAMES as readonly string[]).indexOf(canonical) + 1;
}

export function curveById(id: number): string | undefined {
  return NAMES[id - 1];
}
