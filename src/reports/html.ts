/**
 * Building HTML safely for Haven's printable reports. Every value put into a template is
 * escaped unless it is already `Html` (made by the `html` tag), so that a school name, an
 * activity or a note typed by a user can never become markup: escaping is the default, not a
 * step to remember.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ESCAPES[char] ?? char);
}

/** A piece of markup that is already safe: only the `html` tag and `rawHtml` make one. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** What may be put into an `html` template: text (escaped), markup, lists, or nothing. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/**
 * Tagged template for markup: `html\`<td>${text}</td>\`` escapes `text`; nested `html` results,
 * arrays of them, `null`, `undefined` and `false` are written as they are (or not at all).
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** Markup written by Haven itself (a style sheet): never pass anything a user typed. */
export function rawHtml(markup: string): Html {
  return new Html(markup);
}

/** Joins values with a separator, escaping each as `html` would. */
export function joinHtml(values: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  return new Html(
    values
      .map(render)
      .filter((part) => part !== '')
      .join(render(separator)),
  );
}
