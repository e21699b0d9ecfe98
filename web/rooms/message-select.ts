/**
 * A tap (or click) on a message selects it: its toolbar (edit, delete, react) shows without
 * a hover, which a touch screen cannot do, and without each row keeping a line for it.
 * A tap on a link, a button or the picker does what it says instead; another tap, or one on
 * another message, moves the selection.
 */
export function selectMessagesOnTap(scroller: HTMLElement): void {
  // The log lives as long as the page: nothing to take off.
  scroller.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || event.target.closest('a, button, summary, details, input')) return;
    const item = event.target.closest<HTMLLIElement>('li.message');
    const selected = item?.dataset.selected === 'true';
    for (const other of Array.from(scroller.querySelectorAll<HTMLElement>('li.message[data-selected]'))) delete other.dataset.selected;
    if (item && !selected) item.dataset.selected = 'true';
  });
}
