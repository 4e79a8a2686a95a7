import { toIso } from '../../lib/time.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const linkify = (s: string) => esc(s).replace(/https?:\/\/[^\s<>&]+(?:&amp;[^\s<>&]+)*/g, (u) => `<a href="${u}">${u}</a>`);

type Message = { id: string; to: string; subject: string | null; text: string | null; sentAt: string | null };

/** The development mailbox: every message Troupe sent, with working links. */
export function renderMailboxPage(messages: Message[], to?: string): string {
  const items = messages
    .map(
      (m) => `<article>
  <header><strong>${esc(m.subject ?? '')}</strong><br><span>To: ${esc(m.to)}</span> · <time>${esc(toIso(m.sentAt) ?? '')}</time> · <a href="/dev/mailbox/${m.id}">HTML version</a></header>
  <pre>${linkify(m.text ?? '')}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Development mailbox — Troupe</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2rem auto;padding:0 1rem;color:#1f2933}article{border:1px solid #d9e2ec;border-radius:8px;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap;font-family:inherit}header span,time{color:#52606d;font-size:.9rem}form{display:flex;gap:.5rem}</style></head>
<body><main><h1>Development mailbox</h1>
<p>Troupe has no SMTP server configured (set <code>SMTP_URL</code>), so every email it sends lands here.</p>
<form method="get"><label for="to">Recipient</label><input id="to" name="to" type="email" value="${esc(to ?? '')}"><button>Filter</button></form>
${items || '<p>No messages yet.</p>'}
</main></body></html>`;
}
