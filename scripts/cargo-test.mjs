// Runs the Rust checks of the workspace (Cargo.toml at the repo root):
//   cargo test --workspace
//   cargo clippy --workspace --all-targets -- -D warnings   (only if clippy is installed)
//
// Without cargo: fails when CI is set (CI must run the Rust tests), otherwise
// prints a warning and exits 0 so a TypeScript-only machine can run `npm test`.

import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function succeeds(command, args) {
  const probe = spawnSync(command, args, { cwd: root, stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

function run(args) {
  console.error(`sluice: cargo ${args.join(' ')}`);
  const child = spawnSync('cargo', args, { cwd: root, stdio: 'inherit' });
  if (child.error) {
    console.error(`sluice: could not run cargo: ${child.error.message}`);
    process.exit(1);
  }
  if (child.status !== 0) {
    console.error(`sluice: cargo ${args[0]} failed (${child.signal ?? `exit code ${child.status}`})`);
    process.exit(child.status || 1);
  }
}

if (!succeeds('cargo', ['--version'])) {
  if (process.env.CI) {
    console.error('sluice: cargo not found, so the Rust tests cannot run; CI is set, failing');
    process.exit(1);
  }
  console.error('sluice: warning: cargo not found; skipping the Rust tests (install Rust to run them)');
  process.exit(0);
}

run(['test', '--workspace']);

if (succeeds('cargo', ['clippy', '--version'])) {
  run(['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
} else {
  console.error('sluice: note: clippy is not installed; skipping `cargo clippy` (rustup component add clippy)');
}
