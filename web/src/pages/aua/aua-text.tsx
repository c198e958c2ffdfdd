import type { ReactElement } from 'react';

/**
 * An agreement's text, markdown-ish: `#`/`##` headings, `-` lists, blank lines between
 * paragraphs, `**bold**`. Built as React elements from plain text, never as HTML, so nothing
 * in the text can run or style the page.
 */
function inline(text: string): (string | ReactElement)[] {
  const parts = text.split(/(\*\*[^*]+\*\*)/g);
  return parts.map((part, i) =>
    part.startsWith('**') && part.endsWith('**') && part.length > 4 ? (
      <strong key={i}>{part.slice(2, -2)}</strong>
    ) : (
      part
    ),
  );
}

export function AuaText({
  body,
  title,
  level = 2,
}: {
  body: string;
  /** The agreement's title: a first heading that repeats it is left out. */
  title?: string;
  level?: 2 | 3;
}) {
  const blocks: ReactElement[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) {
      blocks.push(<p key={blocks.length}>{inline(paragraph.join(' '))}</p>);
      paragraph = [];
    }
    if (list.length > 0) {
      blocks.push(
        <ul key={blocks.length}>
          {list.map((item, i) => (
            <li key={i}>{inline(item)}</li>
          ))}
        </ul>,
      );
      list = [];
    }
  };
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (line === '') flush();
    else if (heading) {
      flush();
      const text = heading[2] ?? '';
      if (blocks.length === 0 && title !== undefined && text.trim() === title.trim()) continue;
      const depth = (heading[1] ?? '#').length;
      blocks.push(
        depth === 1 && level === 2 ? (
          <h3 key={blocks.length}>{text}</h3>
        ) : (
          <h4 key={blocks.length}>{text}</h4>
        ),
      );
    } else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1] ?? '');
    } else {
      if (list.length > 0) flush();
      paragraph.push(line);
    }
  }
  flush();
  return <div className="aua-text">{blocks}</div>;
}
