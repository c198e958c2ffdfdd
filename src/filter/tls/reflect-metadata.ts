/**
 * `@peculiar/x509` uses tsyringe, which needs the Reflect metadata API (`reflect-metadata`) before
 * it loads. Haven does not ship that package, so this module installs the small part of the API
 * tsyringe and TypeScript's decorator helpers call — `defineMetadata`, `getMetadata` (through the
 * prototype chain), `getOwnMetadata`, `hasMetadata` and `metadata` — when it is missing. Import
 * it before `@peculiar/x509`.
 */

type Target = object;
const store = new WeakMap<Target, Map<string | symbol, Map<unknown, unknown>>>();

function ownMap(target: Target, property: string | symbol | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  const key = property ?? '';
  let values = byProperty.get(key);
  if (values === undefined && create) {
    values = new Map();
    byProperty.set(key, values);
  }
  return values;
}

function defineMetadata(
  key: unknown,
  value: unknown,
  target: Target,
  property?: string | symbol,
): void {
  ownMap(target, property, true)?.set(key, value);
}

function getOwnMetadata(key: unknown, target: Target, property?: string | symbol): unknown {
  return ownMap(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: Target, property?: string | symbol): unknown {
  for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
    const values = ownMap(t, property, false);
    if (values?.has(key) === true) return values.get(key);
  }
  return undefined;
}

function hasMetadata(key: unknown, target: Target, property?: string | symbol): boolean {
  return getMetadata(key, target, property) !== undefined;
}

function metadata(key: unknown, value: unknown) {
  return (target: Target, property?: string | symbol): void =>
    defineMetadata(key, value, target, property);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, {
    defineMetadata,
    getOwnMetadata,
    getMetadata,
    hasMetadata,
    metadata,
  });
}
