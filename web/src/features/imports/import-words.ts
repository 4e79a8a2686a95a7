import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { ROLES, type Role } from '../../api/types';
import { useFormat } from '../../app/format';
import { useDescribeError } from '../../components/api-error';
import type { ImportRow, RowMessage } from './imports.api';

/** Numbers as the reader writes them, plus lists ("2, 5 and 9") and sizes. */
export function useImportFormat() {
  const format = useFormat();
  const { t } = useTranslation();
  const list = (values: (string | number)[]) =>
    new Intl.ListFormat(format.locale, { style: 'long', type: 'conjunction' }).format(
      values.map((v) => (typeof v === 'number' ? format.number(v) : v)),
    );
  const size = (bytes: number | null) => {
    if (bytes === null) return '';
    if (bytes < 1024) return t('imports.size.bytes', { n: format.number(bytes) });
    const unit = bytes < 1024 * 1024 ? 'kb' : 'mb';
    const value = bytes / (unit === 'kb' ? 1024 : 1024 * 1024);
    const n = new Intl.NumberFormat(format.locale, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
    return t(`imports.size.${unit}`, { n });
  };
  const percent = (value: number) =>
    new Intl.NumberFormat(format.locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
  return { ...format, list, size, percent };
}

/** A role code as words; anything else as written. */
export function useRoleName() {
  const { t } = useTranslation();
  return (role: string | null | undefined) => (role && ROLES.includes(role as Role) ? t(`roles.${role}`) : (role ?? ''));
}

/** One problem (or note) of a row, in words, for the row on `line`. */
export function useRowMessage() {
  const { t } = useTranslation();
  const { list, number } = useImportFormat();
  const roleName = useRoleName();
  return (m: RowMessage, line: number): string => {
    const value = m.value ?? '';
    switch (m.code) {
      case 'invalid_email':
        return t('imports.messages.invalid_email', { value });
      case 'missing_email':
        return t('imports.messages.missing_email');
      case 'unknown_group':
        return m.suggestion
          ? t('imports.messages.unknown_group_suggestion', { value, suggestion: m.suggestion })
          : t('imports.messages.unknown_group', { value });
      case 'group_will_be_created':
        return t('imports.messages.group_will_be_created', { value });
      case 'unknown_location':
        return t('imports.messages.unknown_location', { value });
      case 'unknown_role':
        return t('imports.messages.unknown_role', { value });
      case 'role_not_allowed':
        return t('imports.messages.role_not_allowed', { value: roleName(value) });
      case 'duplicate_row': {
        const first = m.lines?.[0];
        return first !== undefined && first !== line
          ? t('imports.messages.duplicate_row', { first: number(first) })
          : t('imports.messages.duplicate_row_first');
      }
      case 'conflicting_rows': {
        const others = (m.lines ?? []).filter((l) => l !== line);
        return t('imports.messages.conflicting_rows', { count: others.length, lines: list(others) });
      }
      default:
        // issue 15: a profile-field cell that does not fit its field
        if (m.code.startsWith('field_'))
          return m.suggestion
            ? t('importFields.messages.field_unknown_option_suggestion', { field: m.field, value, suggestion: m.suggestion })
            : t(`importFields.messages.${m.code}`, {
                field: m.field,
                value,
                defaultValue: t('importFields.messages.field_invalid', { field: m.field, value }),
              });
        return t('imports.messages.other', { code: m.code, field: m.field, value });
    }
  };
}

/** The messages worth showing for a row: errors first, then notes. */
export function rowMessages(row: ImportRow): RowMessage[] {
  return [...row.messages.filter((m) => m.level === 'error'), ...row.messages.filter((m) => m.level !== 'error')];
}

/** Words for the upload's refusals (file too large, not UTF-8, no email column…), with their details. */
export function useImportError() {
  const { t, i18n } = useTranslation();
  const describe = useDescribeError();
  const { number } = useImportFormat();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const key = `imports.errors.${error.code}`;
      if (i18n.exists(key)) {
        const details = (error.details ?? {}) as Record<string, unknown>;
        const line = typeof details.line === 'number' ? number(details.line) : '?';
        const found = typeof details.found === 'string' && details.found ? details.found : t('imports.errors.foundNothing');
        const limit = typeof details.limit === 'number' ? number(details.limit) : number(1_000_000);
        return t(key, { line, found, limit, mb: number(50) });
      }
    }
    return describe(error);
  };
}
