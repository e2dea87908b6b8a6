// Lab tests never vanish quietly: under CI they fail with the reason, elsewhere they skip with a warning.
import { existsSync } from 'node:fs';
import { labAvailable } from '../../../scripts/lab';
import { missingMessage, missingTools } from './prerequisites';

// Each extra need returns why it is missing, or undefined when it is met.
export type Need = () => string | undefined;

/** A need: these programs of Debian's uftp package (the real UFTP 4.10.2) in /usr/bin. */
export function uftpPrograms(...names: string[]): Need {
  return () => {
    const missing = names.map((n) => `/usr/bin/${n}`).filter((p) => !existsSync(p));
    return missing.length ? `Debian's uftp package is not installed (${missing.join(', ')} missing)` : undefined;
  };
}

/** A need: these programs (keys of LAB_TOOLS: 'tcpdump', 'nft', ...), named with the apt package that has them. */
export function tools(...names: string[]): Need {
  return () => missingMessage(missingTools(names));
}

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export function describeLab(title: string, body: () => void, needs: Need[] = []): void {
  const lab = labAvailable();
  const why = lab.ok ? needs.map((need) => need()).find((reason) => reason !== undefined) : lab.why;
  if (why === undefined) {
    describe(title, body);
  } else if (inCi()) {
    describe(title, () => {
      test('can run here', () => {
        throw new Error(`lab test cannot run: ${why}`);
      });
    });
  } else {
    console.warn(`SKIPPED "${title}": ${why}`);
    describe.skip(title, body);
  }
}

/** A need: these programs on PATH (systemd-analyze, dpkg-deb, ...), named by the apt package that has them. */
export function programs(apt: string, ...names: string[]): Need {
  return () => {
    const dirs = (process.env.PATH ?? '').split(':').filter((d) => d !== '');
    const missing = names.filter((n) => !dirs.some((d) => existsSync(`${d}/${n}`)));
    return missing.length ? `${missing.join(', ')} not found: apt-get install ${apt}` : undefined;
  };
}
