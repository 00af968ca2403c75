import { loadEventCatalogFile } from '../adapters/event-catalog-file';

/**
 * The deployment's catalog (configuration, read once per container): the team's when it has one, else the product's.
 */
export const eventCatalog = loadEventCatalogFile();
