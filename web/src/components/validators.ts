import type { TFunction } from 'i18next';

export const MIN_PASSWORD_LENGTH = 8;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Rules shared by every form, returning translated messages for Mantine's useForm. */
export function rules(t: TFunction) {
  return {
    required: (value: string) => (value.trim() ? null : t('validation.required')),
    email: (value: string) => {
      if (!value.trim()) return t('validation.required');
      return EMAIL.test(value.trim()) ? null : t('validation.email');
    },
    password: (value: string) =>
      value.length >= MIN_PASSWORD_LENGTH ? null : t('validation.passwordLength', { count: MIN_PASSWORD_LENGTH }),
  };
}

/** Only follow a `next` parameter that stays inside the app. */
export function safeNext(next: string | null): string | undefined {
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\')) return undefined;
  return next;
}
