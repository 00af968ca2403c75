/**
 * What `npm pack` ships (run by `prepack`): each function's bundle and the console, prebuilt, so a team's
 * `cdk synth` needs neither esbuild, Docker nor this source tree; each entry of the package (ENTRIES) as ESM
 * (`.js`) and CommonJS (`.cjs`), with aws-cdk-lib and constructs left to the team (peer dependencies); their type
 * declarations, for `import` and for `require`. No source maps: a consumer's synth never reads them, and they were
 * more than half of the package (the functions' stack traces name the minified bundle's lines instead).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * One entry of the package: its subpath in package.json `exports`, its source, the file name in dist/ (`.js` and
 * `.cjs`), and where it runs (`node`: the construct library, with the CDK left to the team; `neutral`: code a
 * team's backend runs, with the team's own AWS SDK clients left to it).
 */
interface PackageEntry {
  subpath: string;
  source: string;
  file: string;
  runs: 'node' | 'neutral';
  external?: string[];
}

/** Adding an entry is one line here and its block in package.json `exports` (checked below). */
const ENTRIES: PackageEntry[] = [
  { subpath: '.', source: 'lib/index.ts', file: 'index', runs: 'node' },
  {
    subpath: './client',
    source: 'client/index.ts',
    file: 'client',
    runs: 'neutral',
    external: ['@aws-sdk/client-sqs'],
  },
  // the receivers' verifier: WebCrypto only, so it runs in Node, browsers and edge runtimes alike
  { subpath: './verify', source: 'verify/index.ts', file: 'verify', runs: 'neutral' },
  // the typed admin client: it signs with the AWS SDK's signer and credential chain, dependencies of the package
  {
    subpath: './admin',
    source: 'client/admin.ts',
    file: 'admin',
    runs: 'neutral',
    external: ['@aws-sdk/*', '@smithy/*'],
  },
];

const DIST = join(PACKAGE_ROOT, 'dist');
/**
 * ESM declarations; the CommonJS copy sits under a package.json of `"type": "commonjs"`, so TypeScript reads it as
 * such.
 */
const ESM_TYPES = join(DIST, 'types');
const CJS_TYPES = join(DIST, 'types-cjs');

/** The `exports` block an entry must have: both conditions, each with its declarations. */
function expectedExports(entry: PackageEntry) {
  const declarations = entry.source.replace(/\.ts$/, '.d.ts');
  return {
    import: { types: `./dist/types/${declarations}`, default: `./dist/${entry.file}.js` },
    require: { types: `./dist/types-cjs/${declarations}`, default: `./dist/${entry.file}.cjs` },
  };
}

/** Fails the build before anything is built when package.json `exports` and ENTRIES disagree. */
function checkExports(): void {
  const { exports } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const problems = ENTRIES.flatMap((entry) => {
    const expected = expectedExports(entry);
    return JSON.stringify(exports[entry.subpath]) === JSON.stringify(expected)
      ? []
      : [`exports["${entry.subpath}"] must be ${JSON.stringify(expected)}`];
  });
  const unbuilt = Object.keys(exports).filter((subpath) => !ENTRIES.some((entry) => entry.subpath === subpath));
  problems.push(...unbuilt.map((subpath) => `exports["${subpath}"] has no entry in bin/build-package.ts ENTRIES`));
  if (problems.length > 0) throw new Error(`package.json and the package's entries disagree:\n${problems.join('\n')}`);
}

/** The console is prebuilt in the package: the library never builds it, so its builder (and esbuild) stay out. */
const withoutConsoleBuilder: Plugin = {
  name: 'without-console-builder',
  setup(builder) {
    builder.onResolve({ filter: /\/console-bundle$/ }, () => ({ path: 'console-build', namespace: 'prebuilt' }));
    builder.onLoad({ filter: /.*/, namespace: 'prebuilt' }, () => ({
      contents: [
        'const prebuilt = () => { throw new Error("the packed package ships the console prebuilt"); };',
        'export const buildConsole = prebuilt, writeConsole = prebuilt;',
      ].join('\n'),
    }));
  },
};

/** CommonJS has no `import.meta`: the library finds its own files from `import.meta.url`, so the `.cjs` gets one. */
const CJS_IMPORT_META_URL = "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;";

async function buildEntry(entry: PackageEntry, format: 'esm' | 'cjs'): Promise<void> {
  const runsOnNode = entry.runs === 'node';
  await build({
    entryPoints: [join(PACKAGE_ROOT, entry.source)],
    outfile: join(DIST, `${entry.file}.${format === 'esm' ? 'js' : 'cjs'}`),
    bundle: true,
    platform: entry.runs,
    format,
    target: runsOnNode ? 'node20' : 'es2022',
    ...(runsOnNode ? { packages: 'bundle' as const, plugins: [withoutConsoleBuilder] } : {}),
    external: [
      ...(runsOnNode ? ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'] : []),
      ...(entry.external ?? []),
    ],
    ...(format === 'cjs'
      ? { banner: { js: CJS_IMPORT_META_URL }, define: { 'import.meta.url': '__importMetaUrl' } }
      : {}),
    sourcemap: false,
    logLevel: 'warning',
  });
}

/** The declarations of every entry, by the package's tsconfig with ENTRIES as its files. */
function buildDeclarations(): void {
  // beside the package's own, so that its type roots (node_modules/@types) resolve; removed once used
  const config = join(PACKAGE_ROOT, 'tsconfig.package.entries.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: './tsconfig.package.json',
      include: [],
      files: ENTRIES.map((entry) => entry.source),
    }),
  );
  try {
    execFileSync(join(PACKAGE_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', config], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } finally {
    rmSync(config);
  }
  addDeclarationExtensions(ESM_TYPES);
  cpSync(ESM_TYPES, CJS_TYPES, { recursive: true });
  writeFileSync(join(CJS_TYPES, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
}

/**
 * The source imports without extensions (the bundler resolves them), but a consumer's TypeScript in Node's module
 * mode (moduleResolution node16/nodenext) needs them in the declarations: `./api` becomes `./api.js`, in `from`,
 * `import()` and side-effect `import` alike.
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
      /(from\s+|import\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\2/g,
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

checkExports();
rmSync(DIST, { recursive: true, force: true });
await Promise.all(
  FUNCTION_ENTRIES.map((entry) =>
    build({ ...bundleOptions(entry, join(PREBUILT_FUNCTIONS, entry)), sourcemap: false }),
  ),
);
writeConsole(buildConsole(), PREBUILT_CONSOLE);
await Promise.all(ENTRIES.flatMap((entry) => [buildEntry(entry, 'esm'), buildEntry(entry, 'cjs')]));
buildDeclarations();
console.error(
  `built ${FUNCTION_ENTRIES.length} functions, the console and ${ENTRIES.map((entry) => entry.subpath).join(', ')} ` +
    `(ESM, CommonJS, types) in ${DIST}`,
);
