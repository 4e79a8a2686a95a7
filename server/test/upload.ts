import type { Agent } from './agent.js';

/** A multipart/form-data body with one file and some text fields, as a browser sends it. */
export function multipartBody(file: { field?: string; name: string; bytes: Buffer; type?: string }, fields: Record<string, string> = {}) {
  const boundary = `----troupe${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
  );
  parts.push(file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a file through the agent (cookies and CSRF header included). */
export function upload(
  agent: Agent,
  url: string,
  file: { field?: string; name: string; bytes: Buffer; type?: string },
  fields: Record<string, string> = {},
) {
  const { body, contentType } = multipartBody(file, fields);
  return agent.request('POST', url, body, { 'content-type': contentType });
}
