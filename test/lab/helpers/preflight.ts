// jest globalSetup of the lab project: the prerequisites of every lab test, checked once before any runs,
// in one message that names what to install. Under CI a missing one stops the run here; elsewhere it is a
// warning, and each test file that needs it skips saying why (gate.ts).
import { labPrerequisites } from './prerequisites';

function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export default function preflight(): void {
  const why = labPrerequisites();
  if (why === undefined) return;
  if (inCi()) throw new Error(why);
  process.stderr.write(`\nWARNING: ${why}; the lab tests that need them are skipped\n`);
}
