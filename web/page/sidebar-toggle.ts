/**
 * On a phone-sized screen the sidebar folds away behind the header's "Rooms" button (the
 * style sheet hides it below 640 px unless `body[data-sidebar="open"]`); opening a room or
 * a conversation folds it again. On wider screens the button is hidden and this does nothing.
 */
export function foldableSidebar(button: HTMLButtonElement, sidebar: HTMLElement): { close(): void } {
  const set = (open: boolean): void => {
    if (open) document.body.dataset.sidebar = 'open';
    else delete document.body.dataset.sidebar;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => set(document.body.dataset.sidebar !== 'open'));
  // A room opened (or a direct message started) from the sidebar: show it.
  sidebar.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('button.room, #online button, #other-rooms button, .search-hit')) set(false);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && document.body.dataset.sidebar === 'open') set(false);
  });
  return { close: () => set(false) };
}
