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

/** One log line per buffer: at level 3 when the request was met (the real proxy is silent), a warning when the kernel granted less. */
export function bufferReports(requested: number, reported: { receive: number; send: number }, platform?: NodeJS.Platform): BufferReport[] {
  return (['receive', 'send'] as const).map((which) => {
    const granted = grantedBytes(reported[which], platform);
    const short = granted < requested;
    const message = `${short ? 'Warning: ' : ''}UDP ${which} buffer: kernel granted ${granted} bytes, asked for ${requested}`;
    return { level: short ? 1 : 3, message };
  });
}
