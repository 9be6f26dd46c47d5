import { PluginSettingTab, Setting, type App, type Plugin, type SettingDefinitionItem } from 'obsidian';
import { checkConnectionWithNotice } from './commands';
import type { ConnectionMonitor } from './connection';
import { displayError } from './errors';
import type { I18n } from './i18n';
import { LANGUAGE_SETTINGS, normaliseDaemonUrl, type HishoSettings, type LanguageSetting } from './settings';
import { mountAssistantsSection } from './settings/assistants-section';
import { mountLibrarianSection } from './settings/librarian-section';

/** What the tab needs from the plugin. */
export interface SettingsHost {
  readonly settings: Readonly<HishoSettings>;
  updateSettings(patch: Partial<HishoSettings>): Promise<void>;
}

type EditableKey = 'daemonUrl' | 'token' | 'language';

const URL_EXAMPLE = 'http://127.0.0.1:48765';

function isLanguage(value: unknown): value is LanguageSetting {
  return LANGUAGE_SETTINGS.some((l) => l === value);
}

/**
 * The settings tab. Obsidian 1.13+ renders getSettingDefinitions() (and indexes it for settings
 * search); older versions call display(). Both describe the same settings.
 */
export class HishoSettingTab extends PluginSettingTab {
  /** Unmounts the assistants and librarian sections of the classic rendering (display()). */
  private unmountSections: (() => void)[] = [];
  /** The librarian's group, told when the assistants it chooses from changed. */
  private readonly assistantListeners = new Set<() => void>();

  constructor(
    app: App,
    plugin: Plugin,
    private readonly host: SettingsHost,
    private readonly i18n: I18n,
    private readonly monitor: ConnectionMonitor,
    /** The registered vault's id (semantic search's progress is per vault). */
    private readonly vault: () => string | undefined,
  ) {
    super(app, plugin);
  }

  private languageOptions(): Record<LanguageSetting, string> {
    const { t } = this.i18n;
    return { auto: t('settings.language.auto'), en: t('settings.language.en'), ja: t('settings.language.ja') };
  }

  private async save(key: EditableKey, value: unknown): Promise<void> {
    if (key === 'language') {
      if (isLanguage(value)) await this.host.updateSettings({ language: value });
      return;
    }
    if (typeof value !== 'string') return;
    if (key === 'daemonUrl') {
      const url = normaliseDaemonUrl(value);
      if (url !== null) await this.host.updateSettings({ daemonUrl: url });
      return;
    }
    await this.host.updateSettings({ token: value.trim() });
  }

  private validateUrl = (value: string): string | void => {
    if (normaliseDaemonUrl(value) === null) return this.i18n.t('settings.daemon-url.invalid');
  };

  private checkNow = (): void => {
    checkConnectionWithNotice(this.monitor, this.i18n).catch(displayError);
  };

  /** The daemon's assistants, listed below the row's name; returns the cleanup. */
  private renderAssistants(setting: Setting): () => void {
    setting.settingEl.addClass('hisho-assistants-setting');
    const el = setting.settingEl.createDiv({ cls: 'hisho-assistants' });
    const onChanged = () => this.assistantListeners.forEach((listener) => listener());
    return mountAssistantsSection(el, { app: this.app, monitor: this.monitor, i18n: this.i18n, onChanged });
  }

  /** The librarian's assistant and search settings, below the row's name; returns the cleanup. */
  private renderLibrarian(setting: Setting): () => void {
    setting.settingEl.addClass('hisho-librarian-setting');
    const el = setting.settingEl.createDiv({ cls: 'hisho-librarian-section' });
    return mountLibrarianSection(el, {
      monitor: this.monitor,
      i18n: this.i18n,
      vault: this.vault,
      onAssistantsChanged: (listener) => {
        this.assistantListeners.add(listener);
        return () => this.assistantListeners.delete(listener);
      },
    });
  }

  override getSettingDefinitions(): SettingDefinitionItem[] {
    const { t } = this.i18n;
    return [
      {
        type: 'group',
        heading: t('settings.heading.connection'),
        items: [
          {
            name: t('settings.daemon-url.name'),
            desc: t('settings.daemon-url.desc'),
            control: { type: 'text', key: 'daemonUrl', placeholder: URL_EXAMPLE, validate: this.validateUrl },
          },
          {
            name: t('settings.token.name'),
            desc: t('settings.token.desc'),
            control: { type: 'text', key: 'token' },
          },
          {
            name: t('settings.check.name'),
            render: (setting: Setting) => {
              setting.addButton((button) => button.setButtonText(t('settings.check.button')).onClick(this.checkNow));
            },
          },
        ],
      },
      {
        type: 'group',
        heading: t('settings.heading.assistants'),
        items: [{ name: t('settings.assistants.name'), desc: t('settings.assistants.desc'), render: (setting: Setting) => this.renderAssistants(setting) }],
      },
      {
        type: 'group',
        heading: t('lib.heading'),
        items: [{ name: t('lib.name'), desc: t('lib.desc'), render: (setting: Setting) => this.renderLibrarian(setting) }],
      },
      {
        type: 'group',
        heading: t('settings.heading.display'),
        items: [
          {
            name: t('settings.language.name'),
            desc: t('settings.language.desc'),
            control: { type: 'dropdown', key: 'language', options: this.languageOptions() },
          },
        ],
      },
    ];
  }

  override getControlValue(key: string): unknown {
    if (key === 'daemonUrl' || key === 'token' || key === 'language') return this.host.settings[key];
    return undefined;
  }

  override async setControlValue(key: string, value: unknown): Promise<void> {
    // A language change shows in the tab's own words the next time it is opened.
    if (key === 'daemonUrl' || key === 'token' || key === 'language') await this.save(key, value);
  }

  /** For Obsidian before 1.13. */
  override display(): void {
    this.renderClassic();
  }

  override hide(): void {
    this.unmount();
    super.hide();
  }

  private unmount(): void {
    for (const unmount of this.unmountSections.splice(0)) unmount();
  }

  private renderClassic(): void {
    const { t } = this.i18n;
    const { containerEl } = this;
    this.unmount();
    containerEl.empty();

    new Setting(containerEl).setName(t('settings.heading.connection')).setHeading();
    new Setting(containerEl)
      .setName(t('settings.daemon-url.name'))
      .setDesc(t('settings.daemon-url.desc'))
      .addText((text) =>
        text
          .setPlaceholder(URL_EXAMPLE)
          .setValue(this.host.settings.daemonUrl)
          .onChange((value) => this.save('daemonUrl', value).catch(displayError)),
      );
    new Setting(containerEl)
      .setName(t('settings.token.name'))
      .setDesc(t('settings.token.desc'))
      .addText((text) => {
        text.inputEl.type = 'password';
        text.setValue(this.host.settings.token).onChange((value) => this.save('token', value).catch(displayError));
      });
    new Setting(containerEl)
      .setName(t('settings.check.name'))
      .addButton((button) => button.setButtonText(t('settings.check.button')).onClick(this.checkNow));

    new Setting(containerEl).setName(t('settings.heading.assistants')).setHeading();
    this.unmountSections.push(
      this.renderAssistants(new Setting(containerEl).setName(t('settings.assistants.name')).setDesc(t('settings.assistants.desc'))),
    );

    new Setting(containerEl).setName(t('lib.heading')).setHeading();
    this.unmountSections.push(this.renderLibrarian(new Setting(containerEl).setName(t('lib.name')).setDesc(t('lib.desc'))));

    new Setting(containerEl).setName(t('settings.heading.display')).setHeading();
    new Setting(containerEl)
      .setName(t('settings.language.name'))
      .setDesc(t('settings.language.desc'))
      .addDropdown((dropdown) =>
        dropdown
          .addOptions(this.languageOptions())
          .setValue(this.host.settings.language)
          .onChange((value) =>
            this.save('language', value)
              .then(() => this.renderClassic())
              .catch(displayError),
          ),
      );
  }
}
