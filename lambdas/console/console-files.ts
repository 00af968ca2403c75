import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { CONTENT_TYPES, type ConsoleFile, type ConsoleSite } from './console-site';

/** A built console read from a directory (index.html and assets/), as lib/console-bundle.ts writes it. */
export function loadConsoleSite(directory: string): ConsoleSite {
  const assets = new Map<string, ConsoleFile>(
    readdirSync(join(directory, 'assets')).map((name) => [
      `assets/${name}`,
      {
        contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        body: readFileSync(join(directory, 'assets', name), 'utf8'),
      },
    ]),
  );
  return { indexHtml: readFileSync(join(directory, 'index.html'), 'utf8'), assets };
}
