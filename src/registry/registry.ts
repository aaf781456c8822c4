/**
 * Layer 6: the registry of stage types. A class registers itself when it is defined
 * (`static { registerStage(this); }`); nothing else lists stage types.
 *
 * The registry lives on `globalThis` under a registered symbol so that a plugin importing
 * `sluice` from another copy of the package (a build beside the sources, say) registers into the
 * same place.
 */
import type { StageClass, StageKind } from './stage.js';
import { didYouMean } from './suggest.js';

const REGISTRY = Symbol.for('sluice.registry');
type Registry = Map<string, StageClass>;

function registry(): Registry {
  const global = globalThis as { [REGISTRY]?: Registry };
  return (global[REGISTRY] ??= new Map());
}

/** Thrown when a stage class is malformed, at the moment it is defined. */
export class StageDefinitionError extends TypeError {
  override name = 'StageDefinitionError';
}

const TYPE_NAME = /^[a-z][a-z0-9_]*$/;
const KINDS: readonly StageKind[] = ['source', 'transform', 'sink'];

/** Registers a stage class under its `static type`. Call it from the class body: `static { registerStage(this); }`. */
export function registerStage(cls: StageClass): void {
  const label = `stage class ${cls.name || '(anonymous)'}`;
  if (typeof cls !== 'function') throw new StageDefinitionError(`registerStage: expected a class, got ${typeof cls}`);
  if (!KINDS.includes(cls.kind)) {
    throw new StageDefinitionError(`${label} must extend Source, Transform, BatchTransform or Sink from sluice`);
  }
  if (typeof cls.type !== 'string' || !TYPE_NAME.test(cls.type)) {
    throw new StageDefinitionError(`${label} must declare static type as a lower_snake_case name (got ${JSON.stringify(cls.type)})`);
  }
  if (typeof cls.options?.safeParse !== 'function') {
    throw new StageDefinitionError(`${label} (type "${cls.type}") must declare static options as a schema made with z from sluice`);
  }
  if (typeof cls.description !== 'string' || cls.description.length === 0) {
    throw new StageDefinitionError(`${label} (type "${cls.type}") must declare a static description (one line)`);
  }
  for (const method of cls.requiredMethods) {
    if (typeof (cls.prototype as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new StageDefinitionError(`${label} (${cls.kind} "${cls.type}") has no ${method}() method`);
    }
  }
  const existing = registry().get(cls.type);
  // The same class reached through a second copy of the package is one stage, not a conflict.
  if (existing !== undefined && existing !== cls && existing.name !== cls.name) {
    throw new StageDefinitionError(`${label}: stage type "${cls.type}" is already registered by class ${existing.name}`);
  }
  if (existing === undefined) registry().set(cls.type, cls);
}

/** The class registered as `type`, or an error message with a did-you-mean. */
export function lookupStage(type: string): { found: StageClass } | { error: string } {
  const cls = registry().get(type);
  if (cls !== undefined) return { found: cls };
  return { error: `unknown stage type "${type}"${didYouMean(type, registry().keys())}` };
}

/** Every registered stage type, sorted by name. */
export function stageTypes(): StageClass[] {
  return [...registry().values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
