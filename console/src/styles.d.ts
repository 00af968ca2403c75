/** esbuild bundles the stylesheet imported by main.tsx into its own .css asset. */
declare module '*.css';
