import { Anchor, Text, type TextProps } from '@mantine/core';
import type { ReactNode } from 'react';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** Splits text into strings and http(s) links; anything else stays text. Exported for tests. */
export function splitLinks(text: string): ({ text: string } | { href: string; label: string })[] {
  const out: ({ text: string } | { href: string; label: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const raw = m[0];
    const start = m.index ?? 0;
    const label = raw.replace(TRAILING, '');
    let href: string | null = null;
    try {
      const u = new URL(label);
      if (u.protocol === 'http:' || u.protocol === 'https:') href = u.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ href, label });
    last = start + label.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/**
 * A post or comment as text: line breaks kept, http(s) links made anchors, everything else — HTML,
 * scripts — shown as the characters typed (React escapes them; no raw HTML anywhere).
 */
export function LinkedText({ text, ...props }: { text: string } & TextProps) {
  let at = 0;
  const parts: ReactNode[] = splitLinks(text).map((p) => {
    const key = at;
    at += 'href' in p ? p.label.length : p.text.length;
    return 'href' in p ? (
      <Anchor key={key} href={p.href} target="_blank" rel="noopener noreferrer nofollow">
        {p.label}
      </Anchor>
    ) : (
      p.text
    );
  });
  return (
    <Text component="div" size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} {...props}>
      {parts}
    </Text>
  );
}
