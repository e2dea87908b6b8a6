// uftpproxyd: the proxy machine run by the shared daemon life cycle (lib/cli/common/lifecycle.ts).
// Exit statuses as uftpproxyd(1): 1 bad command line, 2 network set-up, 3 key data (a -k file that
// cannot be read or written, as the real proxy), 4 log file, 6 stopped by a signal (as the real proxy
// does); a detached start exits 0 once the daemon runs. On Windows it also runs as a service
// (--install-service, --remove-service, --service: ../common/windows-service/).
import { createProxy } from '../../proxy';
import type { ProxyConfig, ProxyMachine } from '../../proxy/types';
import { bufferReports } from '../common/buffers';
import { describeLoadedKey } from '../common/keys';
import { daemonMain, type ProgramIo } from '../common/lifecycle';
import { dscpLogLine, openUdpSocketWithGrant } from '../common/socket';
import { watchOverflow } from '../common/overflow';
import { withMetrics } from '../common/metrics/program';
import { takeMetricsOption } from '../common/metrics/option';
import { serviceMain } from '../common/windows-service/commands';
import { ProxyDaemon } from './daemon';
import { OPTSTRING, parseProxydArgs } from './options';
import { loadProxyKeys, prepare } from './setup';
import { PROGRAM, USAGE } from './usage';
import { MANUAL } from './manual';
import { infoRequest, renderManual } from '../common/manual';
import { proxydReloader } from './reload';

export const VERSION_LINE = 'uftp-ts uftpproxyd, UFTP version 4.10.2 compatible';

export interface ProxydIo extends ProgramIo<ProxyDaemon> {
  /** Where --help and --version go; default process.stdout. */
  stdout?: (text: string) => void;
  /** The proxy machine; default lib/proxy's. Tests put a small one here. */
  createMachine?: (config: ProxyConfig) => ProxyMachine;
}

export async function main(argv: readonly string[], io: ProxydIo): Promise<number> {
  const info = infoRequest(argv);
  if (info !== undefined) {
    (io.stdout ?? ((t: string) => process.stdout.write(t)))(info === 'help' ? renderManual(MANUAL) : `${VERSION_LINE}\n`);
    return 0;
  }
  const service = await serviceMain(argv, io, {
    name: PROGRAM, usage: USAGE, optstring: OPTSTRING,
    check: (args) => parseProxydArgs(takeMetricsOption(args, OPTSTRING).argv),
  }, (args, serviceIo) => runDaemon(args, { ...io, ...serviceIo }));
  return service ?? runDaemon(argv, io);
}

function runDaemon(argv: readonly string[], io: ProxydIo): Promise<number> {
  let reload: (() => Promise<unknown>) | undefined;
  return daemonMain(argv, io, withMetrics({
    name: PROGRAM,
    usage: USAGE,
    versionLine: VERSION_LINE,
    prepare: (args) => prepare(parseProxydArgs(args)),
    lifecycle: (setup) => setup.options,
    start(setup, logger, cleanups) {
      const { options } = setup;
      const { config, keys } = loadProxyKeys(setup);
      for (const key of keys) logger.notice(describeLoadedKey(key));
      const { port, bufferSize, dscp, ttl } = options;
      // As the real proxy: no SO_REUSEADDR (a second proxy on a busy port fails, exit 2, instead of sharing
      // it), and the don't-fragment bit off (IP_MTU_DISCOVER = DONT), so a tunnel whose MTU is smaller than
      // the server's datagrams fragments them instead of dropping them.
      const { socket, receiveGrant } = openUdpSocketWithGrant({
        family: setup.family, dualStack: setup.dualStack, port, bufferSize, dscp, ttl, egress: setup.egress, reuseAddr: false,
      });
      cleanups.push(() => socket.close());
      try {
        socket.setDontFragment(false);
      } catch (err) {
        logger.log(1, `Warning: the don't-fragment bit stays as the system sets it: ${(err as Error).message}`);
      }
      const reported = { receive: socket.getRecvBufferSize(), send: socket.getSendBufferSize() };
      for (const r of bufferReports(bufferSize, reported, undefined, receiveGrant.forced)) logger.log(r.level, r.message);
      const dscpLine = dscpLogLine(dscp, socket.dscpMarking());
      if (dscpLine) logger.log(dscpLine.level, dscpLine.message);
      const daemon = new ProxyDaemon({ machine: (io.createMachine ?? createProxy)(config), socket, logger, interfaces: setup.interfaces, mode: config.mode });
      cleanups.push(() => daemon.stop());
      daemon.start();
      watchOverflow([{ socket, grant: receiveGrant }], bufferSize, (level, message) => logger.log(level, message), cleanups);
      const current = { serverList: config.serverList, clientList: config.clientList, keys };
      const reloader = proxydReloader(setup, current, (next) => daemon.reconfigure(next));
      reload = () => reloader.reloadAndLog(logger);
      return daemon;
    },
    status: (daemon) => daemon.statusLine(),
    reload: async () => reload?.(),
  }, OPTSTRING));
}
