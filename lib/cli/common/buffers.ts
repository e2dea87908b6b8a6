// -B: what the kernel made of the buffer request, for the log. Linux reports (getsockopt) twice the size it
// was given, the other half being its bookkeeping; a plain request beyond net.core.[rw]mem_max is cut down
// to it without an error, so the only way to know is to read the size back.

export interface BufferReport {
  level: number;
  message: string;
}

/** The size the kernel granted, from the figure getsockopt reports (doubled on Linux). */
export function grantedBytes(reported: number, platform: NodeJS.Platform = process.platform): number {
  return platform === 'linux' ? Math.floor(reported / 2) : reported;
}

/** Why a request came out short when the FORCE variant was not granted: a service without the capability. */
export const NO_FORCE =
  'plain buffers: the FORCE sizes need CAP_NET_ADMIN, which this process lacks (a unit grants it with AmbientCapabilities=CAP_NET_ADMIN); without it the kernel caps the size at net.core.rmem_max / wmem_max';

/**
 * One log line per buffer: at level 3 when the request was met (the real proxy is silent), a warning when the
 * kernel granted less. `forced` (Linux): whether the addon's FORCE request was granted; a short buffer that
 * was not forced also says that the capability is missing.
 */
export function bufferReports(requested: number, reported: { receive: number; send: number }, platform?: NodeJS.Platform, forced?: boolean): BufferReport[] {
  return (['receive', 'send'] as const).map((which) => {
    const granted = grantedBytes(reported[which], platform);
    const short = granted < requested;
    const why = short && forced === false ? `; ${NO_FORCE}` : '';
    const message = `${short ? 'Warning: ' : ''}UDP ${which} buffer: kernel granted ${granted} bytes, asked for ${requested}${why}`;
    return { level: short ? 1 : 3, message };
  });
}
