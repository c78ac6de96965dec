/**
 * deep-interest-lab: the public entry point. Notebooks and the CLI import only this.
 *
 * Data flows one way: raw files -> samples -> batches (data) -> model (layers, models) ->
 * training and metrics (train, metrics) -> run records (experiments) -> tables and figures (report).
 */
export * from './backend';
export * from './random';
export * from './data';
export * from './ops';
export * from './layers';
export * from './models';
export * from './train';
export * from './metrics';
export * from './progress';
export * from './experiments';
export * from './report';
export * from './bench';
export * from './cli';
