// If a lab is never destroyed (a crashed test, a forgotten afterAll), process exit still removes it.
type SyncCleanup = () => void;

const live = new Map<string, SyncCleanup>();
let hooked = false;

function cleanAll(): void {
  for (const [id, cleanup] of live) {
    live.delete(id);
    try {
      cleanup();
    } catch {
      // Keep going: the other labs deserve their cleanup too.
    }
  }
}

// Returns the function that takes the lab off the list once destroy() has done the job properly.
export function guardLab(id: string, cleanup: SyncCleanup): () => void {
  if (!hooked) {
    process.on('exit', cleanAll);
    hooked = true;
  }
  live.set(id, cleanup);
  return () => live.delete(id);
}
