export * from './schema.js';
export * from './column.js';
export * from './bitmap.js';
export * from './builder.js';
export * from './record-batch.js';
export * from './concat.js';
