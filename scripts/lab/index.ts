// The netns lab: hosts on bridged segments, routers that forward unicast but not multicast.
export { Lab } from './lab';
export { labAvailable } from './available';
export { processAlive } from './alive';
export { waitForFile, waitForFileMatch, sizeStableFor, sha256File } from './wait';
export type { ExecOptions, ExecResult, LabHost, LabProcess, LabSpec, SpawnOptions } from './types';
