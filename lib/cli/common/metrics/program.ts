// --metrics for a daemon program: takes the option out of argv before the program's own (short-only)
// parsing, and once the daemon runs serves its metrics until it stops. Without --metrics nothing listens.
import type { DaemonProgram } from '../lifecycle';
import { takeMetricsOption, type MetricsAddress } from './option';
import { createMetricsRegistry, type MetricsSource } from './registry';
import { formatMetricsAddress, serveMetrics } from './server';

export interface MetricsSetup<S> {
  inner: S;
  metrics?: MetricsAddress;
}

/** `optstring` is the program's getopt string, so that option arguments are never mistaken for --metrics. */
export function withMetrics<S, D extends MetricsSource>(program: DaemonProgram<S, D>, optstring: string): DaemonProgram<MetricsSetup<S>, D> {
  return {
    name: program.name,
    usage: program.usage,
    versionLine: program.versionLine,
    async prepare(argv) {
      const { argv: rest, metrics } = takeMetricsOption(argv, optstring);
      return { inner: await program.prepare(rest), metrics };
    },
    lifecycle: (setup) => program.lifecycle(setup.inner),
    status: program.status,
    reload: program.reload,
    async start(setup, logger, cleanups) {
      const daemon = await program.start(setup.inner, logger, cleanups);
      if (setup.metrics !== undefined) {
        const server = await serveMetrics(setup.metrics, createMetricsRegistry(daemon, program.name));
        cleanups.push(() => server.close());
        logger.log(2, `Metrics at http://${formatMetricsAddress(server.address)}/metrics`);
      }
      return daemon;
    },
  };
}
