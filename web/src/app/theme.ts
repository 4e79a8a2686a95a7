import { type CSSVariablesResolver, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'violet',
  // Shade 7 keeps white text on buttons above WCAG AA contrast.
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
});

/** Darker dimmed, error and light-violet text than Mantine's defaults, for AA contrast. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7],
    '--mantine-color-error': t.colors.red[9],
    '--mantine-color-placeholder': t.colors.gray[6],
    // Light-variant violet text (active navigation, light buttons) stays AA even on its hover background.
    '--mantine-color-violet-light-color': t.colors.violet[9],
    '--mantine-color-violet-light-hover': t.colors.violet[1],
  },
  dark: {},
});
