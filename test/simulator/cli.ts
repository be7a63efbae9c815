/**
 * Starts the broker simulator for a demo and prints what to point TokenTray at:
 *
 *   npx tsx test/simulator/cli.ts [--port 4010]
 *
 * Every credential it prints is fake. Ctrl-C stops it.
 */
import { BROKER_IDS } from '../../shared/brokers';
import { startBrokerSimulator } from './index';

function portArg(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--port');
  if (i === -1) return undefined;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: npx tsx test/simulator/cli.ts [--port N]');
    process.exit(2);
  }
  return port;
}

const port = portArg(process.argv.slice(2));
const sim = await startBrokerSimulator(port !== undefined ? { port } : {});

console.log(`TokenTray broker simulator listening on ${sim.url}`);
console.log('Base URL override for every broker (api and login):', sim.url);
for (const broker of BROKER_IDS) {
  const app = sim.app(broker);
  console.log(
    `  ${broker.padEnd(6)} api key ${app.apiKey}  secret ${app.apiSecret}  redirect ${app.redirectUri}`,
  );
}
console.log('FYERS PIN for refresh: 1234. All values above are fake. Ctrl-C to stop.');

const shutdown = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
