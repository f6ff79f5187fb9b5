/// <reference path="../.astro/types.d.ts" />

/** Absolute path of public/screenshots/, set in astro.config.ts. */
declare const __PORTICO_SCREENSHOTS_DIR__: string;
