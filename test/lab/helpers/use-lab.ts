// A lab for the tests of one describe block: made before them, destroyed after them, also when they fail.
import { Lab, type LabSpec } from '../../../scripts/lab';

/** Call inside the describe block (it registers beforeAll/afterAll); the getter answers the lab in tests and hooks. */
export function useLab(spec: LabSpec): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await Lab.create(spec);
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  return () => {
    if (!lab) throw new Error('the lab was not created (see beforeAll)');
    return lab;
  };
}
