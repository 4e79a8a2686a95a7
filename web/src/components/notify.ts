import { notifications } from '@mantine/notifications';
import i18n from '../app/i18n';

function show(color: string, message: string) {
  notifications.show({
    color,
    message,
    closeButtonProps: { 'aria-label': i18n.t('common.close') },
  });
}

/** Toasts with a translated close button (Mantine's has no accessible name). */
export const notify = {
  success: (message: string) => show('green', message),
  error: (message: string) => show('red', message),
};
