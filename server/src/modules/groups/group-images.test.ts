import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JPEG_BYTES, PNG_1PX, expectStatus, multipart, orgWithOwner, upload } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { detectImage } from './group-images.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('group branding', () => {
  it('stores a PNG logo and a JPEG background under generated names and serves them to members of the organization', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('Branded', { welcomeMessage: 'Hello!' });
    const logo = expectStatus(
      await upload(o.owner.agent, `${o.base}/groups/${g.id}/logo`, multipart('file', '../../etc/passwd.png', 'image/png', PNG_1PX)),
      200,
    );
    expect(logo.data.url).toMatch(new RegExp(`^/api/v1/orgs/${o.org.id}/groups/${g.id}/logo\\?v=`));
    expectStatus(
      await upload(o.owner.agent, `${o.base}/groups/${g.id}/background`, multipart('background', 'photo.png', 'image/png', JPEG_BYTES)),
      200,
    );

    const detail = await o.owner.agent.get(`${o.base}/groups/${g.id}`);
    expect(detail.data.logoUrl).toBe(logo.data.url);
    expect(detail.data.backgroundUrl).toMatch(/\/background\?v=/);

    const learner = await o.learner();
    const img = await learner.agent.get(logo.data.url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(img.rawPayload.equals(PNG_1PX)).toBe(true);
    const bg = await learner.agent.get(`${o.base}/groups/${g.id}/background`);
    expect(bg.headers['content-type']).toBe('image/jpeg'); // from the bytes, not from the declared type or name
    expect(bg.rawPayload.equals(JPEG_BYTES)).toBe(true);

    const outsider = await orgWithOwner(t);
    expect((await outsider.owner.agent.get(logo.data.url)).statusCode).toBe(404);

    // Replacing keeps one file per image (no user-given name on disk); removing answers 404 afterwards.
    expectStatus(await upload(o.owner.agent, `${o.base}/groups/${g.id}/logo`, multipart('file', 'b.jpg', 'image/jpeg', JPEG_BYTES)), 200);
    const files = () => readdirSync(path.join(t.ctx.config.dataDir, 'files', 'group-images'));
    expect(files()).toHaveLength(2);
    expect(files().every((f) => /^[\w-]{20,}\.(png|jpg|webp)$/.test(f))).toBe(true);
    expectStatus(await o.owner.agent.delete(`${o.base}/groups/${g.id}/logo`), 204);
    expect(files()).toHaveLength(1);
    expect((await learner.agent.get(`${o.base}/groups/${g.id}/logo`)).statusCode).toBe(404);
  });

  it('refuses a file that is not an image with 422 invalid_image naming the field, whatever its name and type say', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const fake = multipart(
      'file',
      'logo.png',
      'image/png',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    );
    const res = await upload(o.owner.agent, `${o.base}/groups/${g.id}/logo`, fake);
    expect(res.statusCode).toBe(422);
    expect(res.data.error.code).toBe('invalid_image');
    expect(res.data.error.details.fields.logo).toBeTruthy();
    const bg = await upload(
      o.owner.agent,
      `${o.base}/groups/${g.id}/background`,
      multipart('file', 'x.webp', 'image/webp', Buffer.from('GIF89a-not-allowed')),
    );
    expect(bg.data.error.details.fields.background).toBeTruthy();
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}`)).data.logoUrl).toBeNull();
  });

  it('refuses an image over 5 MB with 413 payload_too_large', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await upload(o.owner.agent, `${o.base}/groups/${g.id}/logo`, multipart('file', 'big.png', 'image/png', big));
    expect(res.statusCode).toBe(413);
    expect(res.data.error.code).toBe('payload_too_large');
    expect((await o.owner.agent.get(`${o.base}/groups/${g.id}`)).data.logoUrl).toBeNull();
  });

  it('refuses an upload from a limited manager and a JSON body', async () => {
    const o = await orgWithOwner(t);
    const g = await o.group('G');
    const limited = await o.learner('manager_limited');
    expect(
      (await upload(limited.agent, `${o.base}/groups/${g.id}/logo`, multipart('file', 'a.png', 'image/png', PNG_1PX))).statusCode,
    ).toBe(403);
    const json = await o.owner.agent.put(`${o.base}/groups/${g.id}/logo`, { url: 'http://example.com/a.png' });
    expect(json.statusCode).toBe(415);
  });

  it('recognises PNG, JPEG and WebP from their first bytes only', () => {
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(8)]);
    expect(detectImage(PNG_1PX)?.ext).toBe('png');
    expect(detectImage(JPEG_BYTES)?.ext).toBe('jpg');
    expect(detectImage(webp)?.ext).toBe('webp');
    expect(detectImage(Buffer.from('RIFF....AVI LIST'))).toBeNull();
    expect(detectImage(Buffer.alloc(0))).toBeNull();
  });
});
