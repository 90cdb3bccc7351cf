import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run build`: compiles the API, the workers, the database CLI and the Stripe test server to plain JavaScript
 * in dist/ (tsconfig.build.json), then copies the files the compiled code reads at run time from next to itself
 * (the bundled contract, the reference page's script). Fonts and Swagger UI are resolved from node_modules, which
 * production installs too. Always a clean build: a file deleted from src/ must not survive in dist/.
 */
export const ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(ROOT, 'dist');
/** Non-TypeScript files the compiled processes read, relative to the repository (and to dist/). */
export const RUNTIME_ASSETS = ['src/generated/openapi.json', 'src/reference/referenceInit.js'];
/** The directories compiled into dist/ (kept in step with tsconfig.build.json's include). */
export const BUILT_DIRS = ['src', 'workers', 'db', 'scripts', 'stripe-test-server'];

export function build(): void {
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  for (const asset of RUNTIME_ASSETS) {
    fs.mkdirSync(path.dirname(path.join(DIST, asset)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, asset), path.join(DIST, asset));
  }
}

if (require.main === module) {
  const started = Date.now();
  build();
  console.log(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
