import { createTheme } from '@mantine/core';

/**
 * The console's Mantine theme. Colours are set in theme.css too (the provider emits no <style>):
 * filled and light variants one or two shades darker than Mantine's defaults for 4.5:1 contrast.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    Anchor: { defaultProps: { c: 'blue.8' } },
  },
});
