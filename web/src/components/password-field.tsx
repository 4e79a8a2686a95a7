import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH } from './validators';

/** Mantine's PasswordInput with a translated name for the show/hide button. */
export function PasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  return <PasswordInput visibilityToggleButtonProps={{ 'aria-label': t('fields.togglePassword') }} {...props} />;
}

/** The field for choosing a password, with the length rule under it and the browser told to suggest one. */
export function NewPasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  return (
    <PasswordField
      description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
      autoComplete="new-password"
      withAsterisk
      {...props}
    />
  );
}
