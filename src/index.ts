/**
 * deep-interest-lab: the public entry point. Notebooks and the CLI import only this.
 */
export * from './backend';
export * from './random';
export * from './data/batch';
