import { readFileSync } from 'node:fs';
import { benchAvailable, benchCommand, benchUsage } from './bench-command.js';
import { clusterCommand, clusterUsage } from './cluster-command.js';
import { demoCommand, demoUsage } from './demo-command.js';
import { exitWithParent } from './exit-with-parent.js';
import { nodeCommand, nodeUsage } from './node-command.js';
import { pingCommand, pingUsage } from './ping-command.js';
import { UsageError } from './usage-error.js';
import { watchCommand, watchUsage } from './watch-command.js';

const commands: Record<string, { run: (args: string[]) => Promise<number>; usage: string }> = {
  demo: { run: demoCommand, usage: demoUsage },
  watch: { run: watchCommand, usage: watchUsage },
  cluster: { run: clusterCommand, usage: clusterUsage },
  node: { run: nodeCommand, usage: nodeUsage },
  ping: { run: pingCommand, usage: pingUsage },
  bench: { run: benchCommand, usage: benchUsage },
};

const usage = `usage: qdb-router <command> [options]

commands:
${Object.entries(commands)
  // the benchmark needs the source checkout (bench/ and its dev dependencies): not offered by the installed package
  .filter(([name]) => name !== 'bench' || benchAvailable)
  .map(([, c]) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

qdb-router <command> --help shows a command's help; qdb-router --version prints the version.`;

/** The version of the installed package (package.json two folders up from dist/cli/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** The `qdb-router` command line: a thin dispatcher, no logic. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(version());
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  // a node spawned by `demo` or `cluster` ends with its parent, however the parent was stopped
  if (name === 'node') exitWithParent();
  if (!command) {
    console.error(`qdb-router: unknown command ${JSON.stringify(name)}\n\n${usage}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  if (args.includes('--version')) {
    console.log(version());
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`qdb-router ${name}: ${(err as Error).message}\n\n${command.usage}`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
