/** `uaip-backup-<namespace>-<UTC stamp>`: sorts by time, says whose it is. */
export function backupName(namespace: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `uaip-backup-${namespace}-${stamp}`;
}

/** When a backup folder named by backupName was taken; undefined for any other name. */
export function parseBackupName(name: string, namespace: string): Date | undefined {
  const m = new RegExp(
    `^uaip-backup-${namespace}-(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})(\\d{3})Z$`,
  ).exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}
