import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, JPEG_BYTES, orgWithOwner, PNG_1PX, setMembershipStatus } from '../../../test/factories-groups.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { upload } from '../../../test/upload.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0])]);
const folder = () => path.join(t.ctx.config.dataDir, 'files', 'post-images');
const stored = () => (existsSync(folder()) ? readdirSync(folder()).length : 0);

async function setup() {
  const o = await orgWithOwner(t);
  const group = await o.group('Sales');
  const other = await o.group('Support');
  const [author, peer, outsider] = [await o.learner(), await o.learner(), await o.learner()];
  await o.addToGroup(group.id, [author.id, peer.id]);
  await o.addToGroup(other.id, [outsider.id]);
  return { ...o, group, author, peer, outsider, posts: `${o.base}/groups/${group.id}/posts` };
}

describe('an image on a post', () => {
  it('takes PNG, JPEG and GIF checked from the bytes, and serves them only to those who see the post', async () => {
    const o = await setup();
    const before = stored();
    const res = expectStatus(
      await upload(
        o.author.agent,
        o.posts,
        { field: 'image', name: 'team.txt', bytes: PNG_1PX, type: 'text/plain' },
        { body: 'Our board' },
      ),
      201,
    );
    const post = res.data;
    expect(post).toMatchObject({ body: 'Our board', imageUrl: `${o.posts}/${post.id}/image` });
    expect(stored()).toBe(before + 1);

    const img = await o.peer.agent.get(post.imageUrl);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png'); // from the bytes, not the declared text/plain
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(img.rawPayload.equals(PNG_1PX)).toBe(true);
    expectStatus(await o.outsider.agent.get(post.imageUrl), 404);
    await setMembershipStatus(t, o.org.id, o.peer.id, 'archived');
    expectStatus(await o.peer.agent.get(post.imageUrl), 404);

    for (const [bytes, type] of [
      [JPEG_BYTES, 'image/jpeg'],
      [GIF, 'image/gif'],
    ] as const) {
      const p = expectStatus(await upload(o.author.agent, o.posts, { field: 'image', name: 'x.bin', bytes }, { body: 'Pic' }), 201).data;
      expect((await o.owner.agent.get(p.imageUrl)).headers['content-type']).toBe(type);
    }
    // A post without an image says so; the image of a deleted post is gone, file and all.
    const plain = expectStatus(await o.author.agent.post(o.posts, { body: 'No picture' }), 201).data;
    expect(plain.imageUrl).toBeNull();
    expectStatus(await o.author.agent.get(`${o.posts}/${plain.id}/image`), 404);
    const count = stored();
    expectStatus(await o.owner.agent.delete(`${o.posts}/${post.id}`), 204);
    expectStatus(await o.author.agent.get(post.imageUrl), 404);
    expect(stored()).toBe(count - 1);
  });

  it('refuses a file that is not an image (422) or too large (413), in the writer’s language, and writes nothing', async () => {
    const o = await setup();
    const before = stored();
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const bad = expectStatus(
      await upload(o.author.agent, o.posts, { field: 'image', name: 'cat.png', bytes: html, type: 'image/png' }, { body: 'Look' }),
      422,
    ).data.error;
    expect(bad.code).toBe('invalid_image');
    expect(bad.details.fields.image).toBe('The attached file is not an image: choose a PNG, JPEG, GIF or WebP image of at most 5 MB.');
    // An SVG is an image to a browser, and a place for scripts: refused too.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expectStatus(
      await upload(o.author.agent, o.posts, { field: 'image', name: 'a.svg', bytes: svg, type: 'image/svg+xml' }, { body: 'x' }),
      422,
    );
    const huge = Buffer.concat([PNG_1PX, Buffer.alloc(5 * 1024 * 1024)]);
    const big = expectStatus(await upload(o.author.agent, o.posts, { field: 'image', name: 'big.png', bytes: huge }, { body: 'Big' }), 413);
    expect(big.data.error.code).toBe('image_too_large');
    // The text is checked with an image as without.
    const long = expectStatus(
      await upload(o.author.agent, o.posts, { field: 'image', name: 'a.png', bytes: PNG_1PX }, { body: 'x'.repeat(100_000) }),
      422,
    ).data.error;
    expect(long).toMatchObject({ code: 'body_too_long', details: { max: 10_000, length: 100_000 } });

    expectStatus(await o.author.agent.patch('/api/v1/me', { locale: 'fr' }), 200);
    const fr = expectStatus(
      await upload(o.author.agent, o.posts, { field: 'image', name: 'c.png', bytes: html }, { body: 'Regardez' }),
      422,
    );
    expect(fr.data.error.details.fields.image).toBe(
      'Le fichier joint n’est pas une image : choisissez une image PNG, JPEG, GIF ou WebP de 5 Mo au plus.',
    );
    expect(expectStatus(await o.peer.agent.get(o.posts), 200).data.items).toEqual([]);
    expect(stored()).toBe(before);
  });
});
