import type { AdminElements } from '../moderation/admin-panel.js';
import type { RoomsElements } from '../rooms/rooms-elements.js';
import type { SearchElements } from '../rooms/search-view.js';
import type { AccountElements } from './account-menu.js';
import type { IdentityElements } from './identity.js';

/** Every element of index.html that the page's code drives, found once at start-up. */
export interface PageElements {
  /** The connection's status line in the header. */
  readonly status: HTMLElement;
  readonly sidebarToggle: HTMLButtonElement;
  readonly sidebar: HTMLElement;
  /** The message box's form and field: the tutorial's, and the composer's in room mode. */
  readonly form: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  /** Refusals and notices that belong to no message. */
  readonly alert: HTMLElement;
  /** The tutorial's one log (room mode puts each room's log in its place). */
  readonly messages: HTMLOListElement;
  readonly identity: IdentityElements;
  readonly account: AccountElements;
  readonly rooms: RoomsElements;
  readonly admin: AdminElements;
  readonly search: SearchElements;
}

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page lacks #${id}`);
  return element;
}

/** Finds the page's elements; throws naming the first one index.html lacks. */
export function pageElements(): PageElements {
  const form = byId('form', HTMLFormElement);
  const input = byId('input', HTMLTextAreaElement);
  const alert = byId('alert', HTMLElement);
  const leave = byId('leave-room', HTMLButtonElement);
  return {
    status: byId('status', HTMLElement),
    sidebarToggle: byId('sidebar-toggle', HTMLButtonElement),
    sidebar: byId('sidebar', HTMLElement),
    form,
    input,
    alert,
    messages: byId('messages', HTMLOListElement),
    identity: {
      name: byId('me', HTMLElement),
      button: byId('identity-button', HTMLButtonElement),
      dialog: byId('identity-dialog', HTMLDialogElement),
      guestForm: byId('guest-form', HTMLFormElement),
      accountForm: byId('account-form', HTMLFormElement),
      sso: byId('sso-sign-in', HTMLElement),
      ssoButton: byId('sso-button', HTMLButtonElement),
      error: byId('identity-error', HTMLElement),
    },
    account: {
      button: byId('account-button', HTMLButtonElement),
      dialog: byId('account-dialog', HTMLDialogElement),
      download: byId('export-me', HTMLAnchorElement),
      passwordForm: byId('password-form', HTMLFormElement),
      status: byId('account-status', HTMLElement),
      error: byId('account-error', HTMLElement),
      resetDialog: byId('reset-dialog', HTMLDialogElement),
      resetForm: byId('reset-form', HTMLFormElement),
      resetError: byId('reset-error', HTMLElement),
    },
    rooms: {
      scroller: byId('log', HTMLElement),
      title: byId('room-title', HTMLElement),
      leave,
      preview: { element: byId('room-preview', HTMLElement), join: byId('join-room', HTMLButtonElement) },
      historyState: byId('history-state', HTMLElement),
      typing: byId('typing', HTMLElement),
      alert,
      rooms: { joined: byId('joined-rooms', HTMLUListElement), direct: byId('direct-rooms', HTMLUListElement) },
      directory: {
        form: byId('browse-rooms', HTMLFormElement),
        query: byId('browse-query', HTMLInputElement),
        list: byId('other-rooms', HTMLUListElement),
        more: byId('browse-more', HTMLButtonElement),
      },
      online: byId('online', HTMLUListElement),
      createRoom: byId('create-room', HTMLFormElement),
      composer: {
        form,
        input,
        editBanner: byId('edit-banner', HTMLElement),
        editCancel: byId('edit-cancel', HTMLButtonElement),
        uploads: {
          tray: byId('uploads', HTMLUListElement),
          attach: byId('attach', HTMLButtonElement),
          picker: byId('attach-input', HTMLInputElement),
          dropZone: byId('room-pane', HTMLElement),
        },
      },
      jump: byId('jump-latest', HTMLButtonElement),
      mentionChoices: byId('mention-choices', HTMLUListElement),
      commandChoices: byId('command-choices', HTMLUListElement),
      topic: byId('room-topic', HTMLElement),
      enableNotifications: byId('enable-notifications', HTMLButtonElement),
      receipts: { toggle: byId('send-receipts', HTMLInputElement) },
      undoDelete: { element: byId('undo-delete', HTMLElement), undo: byId('undo-delete-button', HTMLButtonElement) },
      pinned: { button: byId('pinned-button', HTMLButtonElement), panel: byId('pinned-panel', HTMLElement), list: byId('pinned-list', HTMLOListElement) },
      threads: {
        panel: byId('thread-panel', HTMLElement),
        title: byId('thread-title', HTMLElement),
        close: byId('thread-close', HTMLButtonElement),
        root: byId('thread-root', HTMLElement),
        replies: byId('thread-replies', HTMLOListElement),
        followed: byId('thread-list', HTMLUListElement),
        form: byId('thread-form', HTMLFormElement),
        input: byId('thread-input', HTMLTextAreaElement),
        commandChoices: byId('thread-command-choices', HTMLUListElement),
        alsoToRoom: byId('thread-also-to-room', HTMLInputElement),
        button: byId('threads-button', HTMLButtonElement),
        badge: byId('threads-unread', HTMLElement),
      },
    },
    admin: { button: byId('admin-button', HTMLButtonElement), dialog: byId('admin-dialog', HTMLDialogElement), body: byId('admin-body', HTMLElement) },
    search: {
      form: byId('search-form', HTMLFormElement),
      query: byId('search-query', HTMLInputElement),
      results: byId('search-results', HTMLUListElement),
      more: byId('search-more', HTMLButtonElement),
    },
  };
}
