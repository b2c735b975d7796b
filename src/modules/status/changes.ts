/**
 * In-process signal that incidents or maintenance changed (a staff write, the maintenance job), so
 * the help centre's cached incident banners are dropped at once on this node. Other nodes catch up
 * within the cache's lifetime (5 s), as for settings.
 */
let generation = 0;

export function statusGeneration(): number {
  return generation;
}

export function announceStatusChange(): void {
  generation++;
}
