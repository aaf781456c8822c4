// Builds everything `npm start` and `npm test` need: the TypeScript (dist/, then the bundle of its
// entry points, scripts/bundle.mjs) and the native addon (native/, skipped with one line on stderr
// when there is no Rust toolchain).
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
chmodSync('dist/cli/main.js', 0o755);
run(process.execPath, ['scripts/bundle.mjs']);
run(process.execPath, ['scripts/build-native.mjs', ...process.argv.slice(2)]);
