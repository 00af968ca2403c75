import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeFunctions } from '../lambdas/api/routes';
import { cachedBundle, fileDigest } from './bundle-cache';
import { contentDirectory } from './content-directory';

/** The package root: this repository, or `node_modules/serverless-webhooks` (whose lib is dist/index.js). */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAMBDAS = join(PACKAGE_ROOT, 'lambdas');
/**
 * Where `npm pack` puts each function's bundle and the console (bin/build-package.ts), so a consumer's synth needs no
 * esbuild.
 */
export const PREBUILT_FUNCTIONS = join(PACKAGE_ROOT, 'dist', 'functions');
export const PREBUILT_CONSOLE = join(PACKAGE_ROOT, 'dist', 'console');
/** This repository, with the source to build from (the packed package has only dist/). */
export const FROM_SOURCE = existsSync(join(PACKAGE_ROOT, 'lib', 'console-bundle.ts'));

/**
 * esbuild's ESM output has no `require`, but CommonJS code inside the bundle (parts of the AWS SDK and its
 * dependencies) calls it for Node built-ins; this gives the bundle one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __webhooksCreateRequire } from 'node:module'; const require = " +
  '__webhooksCreateRequire(import.meta.url);';

/** Every function of the platform, by its handler file under lambdas/ (without extension). */
export const FUNCTION_ENTRIES = [
  'api/authorizer',
  ...routeFunctions().map(({ entry }) => `api/${entry}`),
  'events/fan-out',
  'events/deliver',
  'events/deliver-slow-lane',
  'events/deliver-ordered',
  'events/deliver-ordered-slow-lane',
  'events/recover',
  'events/erase-tenant',
  'events/announce-certificates',
  'console/serve-console',
] as const;

export type FunctionEntry = (typeof FUNCTION_ENTRIES)[number];

/** esbuild's options as this module sets them (its own type, so the package's declarations need no esbuild). */
export interface BundleOptions {
  entryPoints: string[];
  outdir: string;
  entryNames: string;
  chunkNames: string;
  outExtension: Record<string, string>;
  splitting: true;
  bundle: true;
  platform: 'node';
  format: 'esm';
  target: string;
  mainFields: string[];
  banner: { js: string };
  minify: boolean;
  sourcemap: boolean;
  sourcesContent: boolean;
  logLevel: 'warning';
}

/**
 * The bundle of one function (exports `handler` from index.mjs): minified ESM for Node 24, the AWS SDK inside
 * (a bundled, tree-shaken client starts faster than the runtime's copy), source maps without the sources. Code
 * behind a dynamic `import()` (an AWS destination's adapter and its SDK clients) goes to a chunk beside it, loaded
 * only when first used, so a function pays at cold start only for what every invocation needs.
 */
export function bundleOptions(entry: string, outdir: string): BundleOptions {
  return {
    entryPoints: [join(LAMBDAS, `${entry}.ts`)],
    outdir,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  };
}

const builtThisRun = new Map<string, string>();

/**
 * Bundles from the source with the project's esbuild (synth from this repository), once per entry and process, and
 * across processes while nothing it was built from changes.
 */
function bundleFromSource(entry: string): string {
  const cached = builtThisRun.get(entry);
  if (cached) return cached;
  // required here, not imported: the packed package has no esbuild and never comes here
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  // what esbuild reads besides the inputs it lists: its settings, and how packages resolve (the lockfile)
  const settings = ['tsconfig.json', 'package-lock.json'].map((file) => fileDigest(join(PACKAGE_ROOT, file)));
  const key = JSON.stringify([esbuild.version, bundleOptions(entry, ''), settings]);
  const directory = cachedBundle(key, () => {
    let read: string[] = [];
    const built = contentDirectory('webhooks-function-', (staging) => {
      const { metafile } = esbuild.buildSync({ ...bundleOptions(entry, staging), metafile: true });
      // virtual inputs (`(disabled):…`, `<define:…>`) are not files
      read = Object.keys(metafile.inputs)
        .map((input) => resolve(input))
        .filter((path) => existsSync(path));
    });
    return { directory: built, inputs: read };
  });
  builtThisRun.set(entry, directory);
  return directory;
}

/** The directory to deploy for a function: its prebuilt bundle in the package, else a bundle of the source. */
export function functionCodeDirectory(entry: string): string {
  if (FROM_SOURCE) return bundleFromSource(entry);
  const prebuilt = join(PREBUILT_FUNCTIONS, entry);
  if (existsSync(join(prebuilt, 'index.mjs'))) return prebuilt;
  throw new Error(`no code for function ${entry}: neither lambdas/${entry}.ts nor dist/functions/${entry}/index.mjs`);
}

/** An empty directory for synths that skip bundling (context aws:cdk:bundling-stacks): the code is never deployed. */
export function placeholderCodeDirectory(): string {
  const directory = join(tmpdir(), 'webhooks-function-placeholder');
  mkdirSync(directory, { recursive: true });
  return directory;
}
