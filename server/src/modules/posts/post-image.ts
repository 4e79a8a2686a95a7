import { AppError } from '../../http/errors.js';
import { translator } from '../../i18n/index.js';

/** The largest image a post may carry. */
export const POST_IMAGE_MAX_BYTES = 5 * 1024 * 1024;

export type PostImageType = { ext: 'png' | 'jpg' | 'gif' | 'webp'; mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type read from the first bytes — never from the file name or the type the browser declared. */
export function detectPostImage(b: Buffer): PostImageType | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG)) return { ext: 'png', mime: 'image/png' };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ext: 'jpg', mime: 'image/jpeg' };
  const head = b.toString('latin1', 0, 6);
  if (b.length >= 10 && (head === 'GIF87a' || head === 'GIF89a')) return { ext: 'gif', mime: 'image/gif' };
  if (b.length >= 16 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return { ext: 'webp', mime: 'image/webp' };
  return null;
}

/** 422: the attached file is not one of the images a post takes. */
export const notAnImage = (locale: string) => {
  const message = translator(locale)('errors.space.notAnImage', { max: POST_IMAGE_MAX_BYTES / 1048576 });
  return new AppError(422, 'invalid_image', message, {
    fields: { image: message },
    accepted: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
  });
};

/** 413: the attached image is over the limit. */
export const imageTooLarge = (locale: string) => {
  const message = translator(locale)('errors.space.imageTooLarge', { max: POST_IMAGE_MAX_BYTES / 1048576 });
  return new AppError(413, 'image_too_large', message, { fields: { image: message }, limitBytes: POST_IMAGE_MAX_BYTES });
};
