import { checkSpec } from './check-spec.js';
import { BUILTIN } from './defs/index.js';
import { didYouMean, UsageError } from './errors.js';
import { resolveParams } from './params.js';
import type { PresetName } from './presets.js';
import type { ActivationSpec, ElementwiseSpec, Params, ParamValue, VectorSpec } from './types.js';

/** Case, `_`, `-` and spaces are ignored when matching names: leakyReLU == leaky_relu. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

interface Entry {
  readonly spec: ActivationSpec;
  readonly aliasParams?: Params;
}

const specs: ActivationSpec[] = [];
const byName = new Map<string, Entry>();

function index(spec: ActivationSpec): void {
  const keys: [string, Params | undefined][] = [[spec.id, undefined]];
  for (const a of spec.aliases) keys.push([a, spec.aliasParams?.[a] as Params | undefined]);
  for (const [name, aliasParams] of keys) {
    const key = normalizeName(name);
    const taken = byName.get(key);
    if (taken !== undefined && taken.spec !== spec) {
      throw new Error(
        `activation name '${name}' of ${spec.id} is already used by ${taken.spec.id}`,
      );
    }
    byName.set(key, aliasParams === undefined ? { spec } : { spec, aliasParams });
  }
  specs.push(spec);
}

for (const spec of BUILTIN) index(spec);

/** Every activation, built-in first, then user-defined, in registration order. */
export function listActivations(): readonly ActivationSpec[] {
  return specs;
}

export function allNames(): string[] {
  return specs.flatMap((s) => [s.id, ...s.aliases]);
}

/** Finds an activation by id or alias; unknown names are a UsageError with suggestions. */
export function lookupActivation(name: string): Entry {
  const entry = byName.get(normalizeName(name));
  if (entry === undefined) throw new UsageError(didYouMean('activation', name, allNames()));
  return entry;
}

export function getActivation(name: string): ActivationSpec {
  return lookupActivation(name).spec;
}

export interface ResolvedActivation<S extends ActivationSpec = ActivationSpec> {
  readonly spec: S;
  readonly params: Params;
}

/** An activation with all of its parameters filled and checked. */
export function resolveActivation(
  name: string,
  given: Readonly<Record<string, ParamValue>> = {},
  preset?: PresetName,
): ResolvedActivation {
  const { spec, aliasParams } = lookupActivation(name);
  const options: { preset?: PresetName; aliasParams?: Params } = {};
  if (preset !== undefined) options.preset = preset;
  if (aliasParams !== undefined) options.aliasParams = aliasParams;
  return { spec, params: resolveParams(spec, given, options) };
}

export function resolveElementwise(
  name: string,
  given: Readonly<Record<string, ParamValue>> = {},
  preset?: PresetName,
): ResolvedActivation<ElementwiseSpec> {
  const r = resolveActivation(name, given, preset);
  if (r.spec.kind !== 'elementwise') {
    throw new UsageError(`${r.spec.id} is a vector activation, not an elementwise one`);
  }
  return { spec: r.spec, params: r.params };
}

export function resolveVector(
  name: string,
  given: Readonly<Record<string, ParamValue>> = {},
  preset?: PresetName,
): ResolvedActivation<VectorSpec> {
  const r = resolveActivation(name, given, preset);
  if (r.spec.kind !== 'vector') {
    throw new UsageError(`${r.spec.id} is an elementwise activation, not a vector one`);
  }
  return { spec: r.spec, params: r.params };
}

/**
 * Registers a user-defined activation, usable by name everywhere. The spec is
 * checked first (ids, parameter defaults, and df against a central difference
 * of f); an inconsistent spec is refused with a UsageError saying where.
 */
export function defineActivation<P extends Params>(spec: ActivationSpec<P>): ActivationSpec<P> {
  const general = spec as unknown as ActivationSpec;
  if (!/^[a-z][a-z0-9_]*$/.test(general.id)) {
    throw new UsageError(`activation id '${general.id}' must be snake_case (a-z, 0-9, _)`);
  }
  checkSpec(general);
  index(general);
  return spec;
}
