import { Modal, type App } from 'obsidian';
import { render, type ComponentChild } from 'preact';
import type { Translate } from '../i18n';

/** An Obsidian Modal whose content is a Preact tree, unmounted when the modal closes. */
export class PreactModal extends Modal {
  constructor(
    app: App,
    private readonly title: string,
    private readonly content: (close: () => void) => ComponentChild,
    private readonly cls: string,
    /** Called once the modal is closed, however it was closed (button, Escape, the × icon). */
    private readonly onClosed?: () => void,
  ) {
    super(app);
  }

  override onOpen(): void {
    this.titleEl.setText(this.title);
    this.modalEl.addClass(...this.cls.split(' '));
    render(this.content(() => this.close()), this.contentEl);
  }

  override onClose(): void {
    render(null, this.contentEl);
    this.onClosed?.();
  }
}

export interface ConfirmOptions {
  title: string;
  message: string;
  confirm: string;
  t: Translate;
}

/** Asks before something that cannot be undone; true only when the person confirms. */
export function confirmModal(app: App, { title, message, confirm, t }: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    new PreactModal(
      app,
      title,
      (close) => (
        <div class="hisho-confirm">
          <p class="hisho-confirm-message">{message}</p>
          <div class="modal-button-container">
            <button
              type="button"
              class="hisho-confirm-yes mod-warning"
              onClick={() => {
                confirmed = true;
                close();
              }}
            >
              {confirm}
            </button>
            <button type="button" class="hisho-confirm-no" onClick={close}>
              {t('settings.assistants.cancel')}
            </button>
          </div>
        </div>
      ),
      'hisho-confirm-modal',
      () => resolve(confirmed),
    ).open();
  });
}
