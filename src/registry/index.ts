export * from './stage.js';
export { registerStage, lookupStage, stageTypes, StageDefinitionError } from './registry.js';
export { closest, didYouMean } from './suggest.js';
