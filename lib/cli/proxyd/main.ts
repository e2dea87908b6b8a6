// uftpproxyd: the proxy machine run by the shared daemon life cycle (lib/cli/common/lifecycle.ts).
// Exit statuses as uftpproxyd(1): 1 bad command line, 2 network set-up, 3 key data (a -k file that
// cannot be read or written, as the real proxy), 4 log file, 6 stopped by a signal (as the real proxy
// does); a detached start exits 0 once the daemon runs.
import { createProxy } from '../../proxy';
import type { ProxyConfig, ProxyMachine } from '../../proxy/types';
import { bufferReports } from '../common/buffers';
import { describeLoadedKey } from '../common/keys';
import { daemonMain, type ProgramIo } from '../common/lifecycle';
import { dscpLogLine, openUdpSocket } from '../common/socket';
import { ProxyDaemon } from './daemon';
import { parseProxydArgs } from './options';
import { loadProxyKeys, prepare } from './setup';
import { PROGRAM, USAGE } from './usage';

export const VERSION_LINE = 'uftp-ts uftpproxyd, UFTP version 4.10.2 compatible';

export interface ProxydIo extends ProgramIo<ProxyDaemon> {
  /** The proxy machine; default lib/proxy's. Tests put a small one here. */
  createMachine?: (config: ProxyConfig) => ProxyMachine;
}

export function main(argv: readonly string[], io: ProxydIo): Promise<number> {
  return daemonMain(argv, io, {
    name: PROGRAM,
    usage: USAGE,
    versionLine: VERSION_LINE,
    prepare: (args) => prepare(parseProxydArgs(args)),
    lifecycle: (setup) => setup.options,
    start(setup, logger, cleanups) {
      const { options } = setup;
      const { config, keys } = loadProxyKeys(setup);
      for (const key of keys) logger.log(0, describeLoadedKey(key));
      const { port, bufferSize, dscp, ttl } = options;
      const socket = openUdpSocket({ family: setup.family, port, bufferSize, dscp, ttl, egress: setup.egress });
      cleanups.push(() => socket.close());
      const reported = { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
      for (const r of bufferReports(bufferSize, reported)) logger.log(r.level, r.message);
      const dscpLine = dscpLogLine(dscp, socket.dscpMarking());
      if (dscpLine) logger.log(dscpLine.level, dscpLine.message);
      const daemon = new ProxyDaemon({ machine: (io.createMachine ?? createProxy)(config), socket, logger, interfaces: setup.interfaces });
      cleanups.push(() => daemon.stop());
      daemon.start();
      return daemon;
    },
  });
}
