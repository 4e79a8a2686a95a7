import { Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import classes from './skip-link.module.css';

/** First tab stop on app pages: jumps over the navigation to the content. */
export function SkipLink() {
  const { t } = useTranslation();
  return (
    <Anchor href="#main-content" className={classes.skip}>
      {t('shell.skipToContent')}
    </Anchor>
  );
}
