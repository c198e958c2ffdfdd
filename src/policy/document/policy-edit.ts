import type { Policy, PolicyGroup, UserActionCell } from './policy-schema.ts';

/**
 * Small, pure edits of a policy document that keep it valid. Each returns a new policy and
 * leaves the one it was given untouched.
 */

export interface AddGroupOptions {
  /** The new group goes after this group (default: after the last group of the same kind). */
  readonly after?: string;
  /**
   * For a column group: the column whose User Actions cells the new column starts with
   * (e.g. `ks2` for a new `ks3`). Required for column groups; ignored for nominated groups.
   */
  readonly copyLevelsFrom?: string;
}

/** Adds a group; a column group gets a copy of another column's User Actions cells. */
export function withGroup(
  policy: Policy,
  group: PolicyGroup,
  options: AddGroupOptions = {},
): Policy {
  if (policy.groups.some((existing) => existing.id === group.id)) {
    throw new Error(`the policy already has a group "${group.id}"`);
  }
  const isColumn = group.kind !== 'nominated';
  const from = options.copyLevelsFrom;
  if (isColumn && from === undefined) {
    throw new Error(
      `a new column group ("${group.id}") needs copyLevelsFrom: the column to start from`,
    );
  }
  if (
    isColumn &&
    !policy.groups.some((existing) => existing.id === from && existing.kind !== 'nominated')
  ) {
    throw new Error(`copyLevelsFrom: "${from ?? ''}" is not a column group of this policy`);
  }
  const anchor = options.after ?? lastOfKind(policy.groups, group.kind);
  const position = anchor === undefined ? -1 : policy.groups.findIndex((g) => g.id === anchor);
  if (options.after !== undefined && position === -1) {
    throw new Error(`after: unknown group "${options.after}"`);
  }
  const groups =
    position === -1
      ? [...policy.groups, group]
      : [...policy.groups.slice(0, position + 1), group, ...policy.groups.slice(position + 1)];
  if (!isColumn || from === undefined) return { ...policy, groups };
  const sections = policy.userActions.sections.map((section) => ({
    ...section,
    rows: section.rows.map((row) => {
      const source = row.levels[from];
      if (!source) return row;
      const copy: UserActionCell = structuredClone(source);
      return { ...row, levels: { ...row.levels, [group.id]: copy } };
    }),
  }));
  return { ...policy, groups, userActions: { ...policy.userActions, sections } };
}

function lastOfKind(groups: readonly PolicyGroup[], kind: PolicyGroup['kind']): string | undefined {
  return groups.filter((g) => g.kind === kind).at(-1)?.id;
}
