/** An ISO 8601 instant as the server writes it in a refusal ("muted in this room until 2026-12-07T16:30:00.000Z"). */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;

/**
 * `text` with every ISO instant in it written in the reader's own time and language: the
 * server's refusals name a time it cannot format for a reader whose locale it does not know.
 */
export function readableTimes(text: string): string {
  return text.replace(ISO_INSTANT, (instant) => {
    const at = new Date(instant);
    return Number.isNaN(at.getTime()) ? instant : at.toLocaleString();
  });
}
