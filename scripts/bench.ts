/**
 * `npm run bench`: the numbers the issues ask for, printed (never asserted as wall-clock times in
 * tests). Each module prints its own lines. `npm run bench -- scheduler export` runs a subset.
 */
import * as api from './bench/api';
import * as exportBench from './bench/export';
import * as renderer from './bench/renderer';
import * as scheduler from './bench/scheduler';
import * as tradingWeek from './bench/trading-week';
import * as alerts from './bench/alerts';
import * as remote from './bench/remote';

type BenchModule = { run(log: (line: string) => void): Promise<void> };

const modules: [string, BenchModule][] = [
  ['scheduler', scheduler],
  ['export', exportBench],
  ['renderer', renderer],
  ['trading-week', tradingWeek],
  ['alerts', alerts],
  ['api', api],
  ['remote', remote],
];

const wanted = process.argv.slice(2);
const log = (line: string) => console.log(line);
for (const [name, mod] of modules) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  await mod.run(log);
}
