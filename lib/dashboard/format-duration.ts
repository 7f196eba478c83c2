/** A time span in words a person scans: "42 s", "3 min 5 s", "2 h 4 min". Browser-safe. */
export function duration(msSpan: number): string {
  const s = Math.max(0, Math.floor(msSpan / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
