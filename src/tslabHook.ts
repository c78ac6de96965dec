/**
 * The running tslab kernel's display hook, shared by everything that draws into a notebook
 * (inline figures and tables in src/report, progress bars in src/progress).
 *
 * tslab's public `display` sends one MIME type per message and cannot update a display in
 * place; its jupyter module keeps the function that writes a whole `display_data` (or, with
 * `update`, an `update_display_data`) message, which we look up in require.cache.
 */

/** A Jupyter MIME bundle: MIME type -> content. */
export type MimeBundle = Record<string, string>;

/** Writes one display_data message (update = replace the display named by transient.display_id). */
export type WriteDisplayData = (
  message: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

/** The hook of the tslab kernel this process runs in, or undefined outside a tslab kernel. */
export function tslabDisplayHook(): WriteDisplayData | undefined {
  for (const [file, entry] of Object.entries(require.cache)) {
    if (!entry || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const hook = (entry.exports as { lastWriteDisplayData?: WriteDisplayData | null }).lastWriteDisplayData;
    if (typeof hook === 'function') return hook;
  }
  return undefined;
}
