import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Architecture, Code, LayerVersion, Runtime, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkEventCatalog } from '../lambdas/adapters/event-catalog-file';
import { compileJsonSchema } from '../lambdas/adapters/json-schema';
import type { CatalogEntry } from '../lambdas/core/events/event-catalog';
import { contentDirectory } from './content-directory';

/** Where a Lambda layer's files are: /opt, then the file's name in the layer. */
const CATALOG_FILE = 'event-catalog.json';

/**
 * A team's event catalog (docs/design.md §14), checked at synth and shipped as a small layer: a catalog with
 * schemas can outgrow Lambda's 4 KB of environment, and a layer keeps it out of every function's code asset.
 * The functions that check event types read it at start-up (EVENT_CATALOG_FILE).
 */
export class EventCatalogLayer extends Construct {
  public readonly layer: LayerVersion;

  public constructor(scope: Construct, id: string, { eventTypes }: { eventTypes: readonly CatalogEntry[] }) {
    super(scope, id);
    const source = `${scope.node.path} eventTypes`;
    const entries = checkEventCatalog(eventTypes, source, compileJsonSchema);
    const directory = contentDirectory('webhooks-catalog-', (staging) =>
      writeFileSync(join(staging, CATALOG_FILE), JSON.stringify(entries)),
    );
    this.layer = new LayerVersion(this, 'Layer', {
      description: "The event catalog: the team's event types, their examples and JSON Schemas",
      code: Code.fromAsset(directory),
      compatibleArchitectures: [Architecture.ARM_64],
      compatibleRuntimes: [Runtime.NODEJS_24_X],
    });
  }

  public attachTo(functions: readonly LambdaFunction[]): void {
    for (const fn of functions) {
      fn.addLayers(this.layer);
      fn.addEnvironment('EVENT_CATALOG_FILE', `/opt/${CATALOG_FILE}`);
    }
  }
}
