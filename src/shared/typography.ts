/** French typography: a non-breaking space before `: ; ? !` and inside « » (a title never breaks before its "?"). */
export function frenchTypography(text: string): string {
  return text
    .replace(/ ([:;?!])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/ »/g, '\u00a0»');
}

/** Text as a reader of this locale expects it set: French typography for French, unchanged otherwise. */
export function typeset(locale: string, text: string): string {
  return locale === 'fr' || locale.startsWith('fr-') ? frenchTypography(text) : text;
}
