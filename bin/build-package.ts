/**
 * What `npm pack` ships (run by `prepack`): each function's bundle and the console, prebuilt, so a team's
 * `cdk synth` needs neither esbuild, Docker nor this source tree; the construct library as one ESM file with
 * aws-cdk-lib and constructs left to the team (peer dependencies); its type declarations.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { buildConsole, writeConsole } from '../lib/console-bundle';
import {
  bundleOptions,
  FUNCTION_ENTRIES,
  PACKAGE_ROOT,
  PREBUILT_CONSOLE,
  PREBUILT_FUNCTIONS,
} from '../lib/function-code';

const DIST = join(PACKAGE_ROOT, 'dist');

/** The console is prebuilt in the package: the library never builds it, so its builder (and esbuild) stay out. */
const withoutConsoleBuilder: Plugin = {
  name: 'without-console-builder',
  setup(builder) {
    builder.onResolve({ filter: /\/console\/build$/ }, () => ({ path: 'console-build', namespace: 'prebuilt' }));
    builder.onLoad({ filter: /.*/, namespace: 'prebuilt' }, () => ({
      contents:
        'const prebuilt = () => { throw new Error("the packed package ships the console prebuilt"); }; export const buildConsole = prebuilt, writeConsole = prebuilt;',
    }));
  },
};

/**
 * The source imports without extensions (the bundler resolves them), but a consumer's TypeScript in Node's ESM
 * mode (moduleResolution node16/nodenext) needs them in the declarations: `./api` becomes `./api.js`.
 */
function addDeclarationExtensions(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      addDeclarationExtensions(path);
      continue;
    }
    if (!entry.name.endsWith('.d.ts')) continue;
    const text = readFileSync(path, 'utf8').replace(
      /(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\2/g,
      (match, keyword: string, quote: string, specifier: string) => {
        if (/\.(js|mjs|json)$/.test(specifier)) return match;
        const target = join(dirname(path), specifier);
        const resolved = existsSync(`${target}.d.ts`)
          ? `${specifier}.js`
          : existsSync(join(target, 'index.d.ts'))
            ? `${specifier}/index.js`
            : specifier;
        return `${keyword}${quote}${resolved}${quote}`;
      },
    );
    writeFileSync(path, text);
  }
}

rmSync(DIST, { recursive: true, force: true });
await Promise.all(FUNCTION_ENTRIES.map((entry) => build(bundleOptions(entry, join(PREBUILT_FUNCTIONS, entry)))));
writeConsole(buildConsole(), PREBUILT_CONSOLE);
await build({
  entryPoints: [join(PACKAGE_ROOT, 'lib', 'index.ts')],
  outfile: join(DIST, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'bundle',
  external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'],
  plugins: [withoutConsoleBuilder],
  logLevel: 'warning',
});
// the typed client and publishEvent; the team's own SQS client is the one publishEvent sends with
await build({
  entryPoints: [join(PACKAGE_ROOT, 'client', 'index.ts')],
  outfile: join(DIST, 'client.js'),
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  external: ['@aws-sdk/client-sqs'],
  logLevel: 'warning',
});
// the receivers' verifier: WebCrypto only, so it runs in Node, browsers and edge runtimes alike
await build({
  entryPoints: [join(PACKAGE_ROOT, 'verify', 'index.ts')],
  outfile: join(DIST, 'verify.js'),
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
});
// the typed admin client: it signs with the AWS SDK's signer and credential chain, dependencies of the package
await build({
  entryPoints: [join(PACKAGE_ROOT, 'client', 'admin.ts')],
  outfile: join(DIST, 'admin.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@aws-sdk/*', '@smithy/*'],
  logLevel: 'warning',
});
execFileSync(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(PACKAGE_ROOT, 'tsconfig.package.json')], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
addDeclarationExtensions(join(DIST, 'types'));
console.error(`built ${FUNCTION_ENTRIES.length} functions, the console, dist/index.js and its types in ${DIST}`);
