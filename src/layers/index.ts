/**
 * src/layers: the building blocks of every model (one concept per file).
 * Core: parameters, embeddings with sparse updates, dense/MLP,
 * activations (Dice, PReLU), batch norm, dropout, pooling, DIN's activation unit, click head.
 * Sequence: GRU family, auxiliary loss, evolution attention,
 * layer norm, multi-head self-attention, multi-interest extractor, hierarchical attention.
 */
export * from './params';
export * from './embedding';
export * from './dense';
export * from './activation';
export * from './dice';
export * from './prelu';
export * from './batchNorm';
export * from './dropout';
export * from './mlp';
export * from './pooling';
export * from './attentionUnit';
export * from './clickHead';
// sequence layers
export * from './gru';
export * from './gruRecurrence';
export * from './auxLoss';
export * from './sequenceAttention';
export * from './layerNorm';
export * from './multiHeadAttention';
export * from './multiInterest';
export * from './hierarchicalAttention';
