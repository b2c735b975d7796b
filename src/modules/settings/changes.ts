/**
 * In-process signal that a setting changed, so per-node caches (the help centre keeps branding and
 * locales ~5 s) drop their copy at once on the node that wrote it. Other nodes catch up within
 * their cache lifetime.
 */
let generation = 0;

export function settingsGeneration(): number {
  return generation;
}

export function announceSettingsChange(): void {
  generation++;
}
