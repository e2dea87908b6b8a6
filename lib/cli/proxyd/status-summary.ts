// uftpproxyd's one-line summary for systemd's STATUS= (systemctl status shows it):
//   "server proxy; 1 session active; 10234 datagrams in, 10230 out"
import type { ProxyMode } from '../../proxy/types';

export interface ProxySummary {
  mode?: ProxyMode;
  sessions: number;
  datagramsIn: number;
  datagramsOut: number;
}

export function proxyStatusLine(summary: ProxySummary): string {
  const { sessions, datagramsIn, datagramsOut } = summary;
  return [
    ...(summary.mode ? [`${summary.mode} proxy`] : []),
    `${sessions} session${sessions === 1 ? '' : 's'} active`,
    `${datagramsIn} datagram${datagramsIn === 1 ? '' : 's'} in, ${datagramsOut} out`,
  ].join('; ');
}
