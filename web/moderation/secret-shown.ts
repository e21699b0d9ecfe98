import { el } from './panel-kit.js';

/**
 * Shows, in the panel's result line, a secret the server will never show again (a reset
 * link, a signing secret), with a Copy button. Where the clipboard is refused (no secure
 * context, no permission) the text is selected instead, ready for the keyboard's copy.
 */
export function showSecretOnce(label: string, secret: string): void {
  const result = document.getElementById('admin-result');
  if (!result) return;
  const code = el('code', secret, { id: 'admin-secret' });
  const copy = el('button', 'Copy', { type: 'button', id: 'admin-secret-copy', 'aria-label': `Copy ${label}` });
  copy.addEventListener('click', () => {
    const selectIt = (): void => {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      copy.textContent = 'Selected: copy it now';
    };
    if (!navigator.clipboard) return selectIt();
    navigator.clipboard.writeText(secret).then(() => (copy.textContent = 'Copied'), selectIt);
  });
  result.removeAttribute('data-error');
  result.replaceChildren(el('span', `${label} (shown once, copy it now): `), code, ' ', copy);
}
