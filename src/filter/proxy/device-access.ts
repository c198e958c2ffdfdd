import type { Policy } from '../../policy/document/policy-schema.ts';

/**
 * The mobile technologies table as the proxy needs it (POL-1, ENF-4): a device class (from the
 * identity: the address range it connects from) → its network access. A class with
 * `networkAccess: none` gets a block page for every request.
 *
 * The compiled snapshot (`Snapshot.rules`) does not carry this table, so the composition root
 * passes a lookup built from the school's active policy document with `deviceAccessFromPolicy`.
 */

export type NetworkAccess = 'full' | 'internet-only' | 'none';

export interface DeviceAccess {
  readonly networkAccess: NetworkAccess;
  /** The column heading in the school's words, e.g. "Student owned". */
  readonly label: string;
}

/** `(schoolId, deviceClass)` → the row for that class, or undefined when the table has none. */
export type DeviceAccessLookup = (
  schoolId: string,
  deviceClass: string,
) => DeviceAccess | undefined;

/** The device classes of one policy document, by class id. */
export function deviceAccessFromPolicy(policy: Policy): ReadonlyMap<string, DeviceAccess> {
  const table = new Map<string, DeviceAccess>();
  for (const device of policy.mobileTechnologies?.devices ?? []) {
    table.set(device.class, { networkAccess: device.networkAccess, label: device.label });
  }
  return table;
}
