/**
 * CSP-safe stand-in for Mantine's `InlineStyles` (wired in by admin/vite.config.ts).
 *
 * Mantine writes responsive rules (AppShell widths, Grid columns…) into a `<style>` element, which the
 * console's policy (`style-src 'self'`, no nonce) refuses. A constructed stylesheet adopted by the
 * document goes through the CSSOM, which the policy does not restrict, and carries the same rules.
 */
import { stylesToString } from '@mantine/core';
import { type ComponentProps, useInsertionEffect } from 'react';

type Props = Parameters<typeof stylesToString>[0] & { deduplicate?: boolean };

export function InlineStyles({ deduplicate: _deduplicate, ...props }: Props & ComponentProps<'style'>) {
  const css = stylesToString(props);
  useInsertionEffect(() => {
    if (!css) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    };
  }, [css]);
  return null;
}
