import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html, joinHtml, rawHtml } from './html.ts';

test('escapeHtml escapes every character that could start markup or end an attribute', () => {
  assert.equal(escapeHtml(`<>&"'\``), '&lt;&gt;&amp;&quot;&#39;&#96;');
  assert.equal(escapeHtml('Key Stage 2 – “Lunchtime”'), 'Key Stage 2 – “Lunchtime”');
  assert.equal(escapeHtml(''), '');
});

test('escapeHtml leaves no tag, entity or attribute break in hostile input', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '</td></tr></table><h1>Not the title</h1>',
    '&lt;already escaped&gt;',
    '<!-- comment --><![CDATA[x]]>',
    '`${backtick}`',
  ];
  for (const text of hostile) {
    const escaped = escapeHtml(text);
    assert.doesNotMatch(escaped, /[<>"'`]/, escaped);
    // Every & starts one of the five entities we write, so nothing is read twice.
    assert.doesNotMatch(escaped, /&(?!(?:amp|lt|gt|quot|#39|#96);)/, escaped);
  }
  assert.equal(escapeHtml('&lt;'), '&amp;lt;');
});

test('the html tag escapes what is put in it, and only that', () => {
  const name = '<b>Roundwood</b> & "friends"';
  assert.equal(
    html`<p title="${name}">${name}</p>`.value,
    '<p title="&lt;b&gt;Roundwood&lt;/b&gt; &amp; &quot;friends&quot;">&lt;b&gt;Roundwood&lt;/b&gt; &amp; &quot;friends&quot;</p>',
  );
  const inner = html`<em>${'<i>'}</em>`;
  assert.equal(html`<p>${inner}</p>`.value, '<p><em>&lt;i&gt;</em></p>');
  const items = ['a<', 'b>'].map((item) => html`<li>${item}</li>`);
  // prettier-ignore
  assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>a&lt;</li><li>b&gt;</li></ul>');
  assert.equal(html`<p>${null}${undefined}${false}${3}</p>`.value, '<p>3</p>');
  assert.equal(`${html`<br />`}`, '<br />');
});

test('joinHtml escapes the parts, skips empty ones and keeps a markup separator', () => {
  assert.equal(joinHtml(['a&b', '', null, 'c'], rawHtml('<br>')).value, 'a&amp;b<br>c');
  assert.equal(joinHtml(['x', 'y'], ' & ').value, 'x &amp; y');
});
