/**
 * The message box is a text area so that a message may hold several lines: Enter sends it
 * (submits its form), Shift+Enter starts a new line. The listener sits on the form, so a key
 * the mention completion took on the box itself (Enter picks a name) never reaches it, and
 * Enter that confirms an input method's composition is left alone.
 */
export function enterSends(form: HTMLFormElement, box: HTMLTextAreaElement): void {
  form.addEventListener('keydown', (event) => {
    if (event.target !== box || event.key !== 'Enter' || event.shiftKey || event.isComposing || event.defaultPrevented) return;
    event.preventDefault();
    form.requestSubmit();
  });
}
