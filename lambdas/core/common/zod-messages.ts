import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// Schemas use zod's tree-shakable "mini" build with only the English messages: the full build and its 40
// locales would add ~430 KB to every function bundle (cold start). Importing `* as z` in each schema file
// (never re-exporting the namespace) is what lets esbuild drop the rest.
config(en());
