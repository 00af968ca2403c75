import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { CONTENT_TYPES, type ConsoleFile, type ConsoleSite } from '../lambdas/console/console-site';

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));
// esbuild needs an output directory to name files; with write: false nothing is written there
const VIRTUAL_ASSETS_DIR = join(CONSOLE_DIR, 'dist', 'assets');

/**
 * Bundles the console (console/src, Preact + Chart.js) in memory: about a second, so `npm start`, the tests and
 * `cdk synth` each build it themselves and nobody needs another toolchain. Asset names carry a content hash.
 */
export function buildConsole(): ConsoleSite {
  const { outputFiles } = buildSync({
    entryPoints: { app: join(CONSOLE_DIR, 'src', 'main.tsx') },
    tsconfig: join(CONSOLE_DIR, 'tsconfig.json'),
    bundle: true,
    write: false,
    outdir: VIRTUAL_ASSETS_DIR,
    entryNames: '[name]-[hash]',
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    logLevel: 'silent',
  });
  const assets = new Map<string, ConsoleFile>(
    outputFiles.map((file) => [
      `assets/${relative(VIRTUAL_ASSETS_DIR, file.path)}`,
      { contentType: CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream', body: file.text },
    ]),
  );
  const named = (extension: string) => [...assets.keys()].find((name) => name.endsWith(extension))!;
  const indexHtml = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8')
    .replace('%APP_SCRIPT%', named('.js'))
    .replace('%APP_STYLE%', named('.css'));
  return { indexHtml, assets };
}

/** Writes a built console as files (index.html, assets/…): what the deployed console function serves. */
export function writeConsole(site: ConsoleSite, directory: string): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'index.html'), site.indexHtml);
  for (const [name, file] of site.assets) {
    const path = join(directory, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.body);
  }
}
