// Builds the native addon (crates/sluice-node) into native/ with the napi-rs CLI:
//   native/sluice.<platform>.node   the addon (git-ignored)
//   native/index.cjs                generated CommonJS loader (committed)
//   native/index.d.cts              generated type definitions (committed)
//
// Usage: node scripts/build-native.mjs [--profile <cargo profile>]
//   default: `--release`; `--profile profiling` builds release code with debug
//   info and symbols (see [profile.profiling] in Cargo.toml) for flamegraphs.
//
// Without a Rust toolchain (no `cargo` on PATH), or with SLUICE_SKIP_NATIVE=1,
// it prints one line and exits 0: sluice then runs on its TypeScript kernels.
// A failing build exits non-zero.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message, code = 1) {
  console.error(`sluice: ${message}`);
  process.exit(code);
}

function parseArgs(argv) {
  let profile = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') {
      profile = argv[++i];
      if (!profile || profile.startsWith('-')) fail('--profile needs a cargo profile name', 2);
    } else if (arg.startsWith('--profile=')) {
      profile = arg.slice('--profile='.length);
      if (!profile) fail('--profile needs a cargo profile name', 2);
    } else {
      fail(`unknown argument ${JSON.stringify(arg)}; usage: node scripts/build-native.mjs [--profile <name>]`, 2);
    }
  }
  return { profile };
}

function hasCargo() {
  const probe = spawnSync('cargo', ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

function napiCliPath() {
  const require = createRequire(join(root, 'package.json'));
  let manifestPath;
  try {
    manifestPath = require.resolve('@napi-rs/cli/package.json');
  } catch {
    fail('cannot find @napi-rs/cli (a devDependency); run `npm install` first');
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.napi;
  if (!bin) fail('@napi-rs/cli has no `napi` binary');
  return join(dirname(manifestPath), bin);
}

const { profile } = parseArgs(process.argv.slice(2));

if (process.env.SLUICE_SKIP_NATIVE === '1') {
  console.error('sluice: SLUICE_SKIP_NATIVE=1; skipping the native addon, sluice will run on its TypeScript kernels');
  process.exit(0);
}
if (!hasCargo()) {
  console.error('sluice: no Rust toolchain found; skipping the native addon, sluice will run on its TypeScript kernels');
  process.exit(0);
}

const args = [
  napiCliPath(),
  'build',
  '--platform',
  ...(profile && profile !== 'release' ? ['--profile', profile] : ['--release']),
  '--manifest-path', 'crates/sluice-node/Cargo.toml',
  '--package-json-path', 'package.json',
  '--output-dir', 'native',
  '--js', 'index.cjs',
  '--dts', 'index.d.cts',
];

const build = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (build.error) fail(`could not run the napi CLI: ${build.error.message}`);
if (build.signal) fail(`native build killed by ${build.signal}`);
if (build.status !== 0) fail(`native build failed (exit code ${build.status})`, build.status ?? 1);
