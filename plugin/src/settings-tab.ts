import { PluginSettingTab, Setting, type App, type Plugin, type SettingDefinitionItem } from 'obsidian';
import { checkConnectionWithNotice } from './commands';
import type { ConnectionMonitor } from './connection';
import { displayError } from './errors';
import type { I18n } from './i18n';
import { LANGUAGE_SETTINGS, normaliseDaemonUrl, type HishoSettings, type LanguageSetting } from './settings';
import { mountAssistantsSection } from './settings/assistants-section';

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
  /** Unmounts the assistants section of the classic rendering (display()). */
  private unmountAssistants: (() => void) | null = null;

  constructor(
    app: App,
    plugin: Plugin,
    private readonly host: SettingsHost,
    private readonly i18n: I18n,
    private readonly monitor: ConnectionMonitor,
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
    return mountAssistantsSection(el, { app: this.app, monitor: this.monitor, i18n: this.i18n });
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
      // The librarian's own group (which assistant it uses) belongs here, after the assistants it chooses from.
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
    this.unmountAssistants?.();
    this.unmountAssistants = null;
    super.hide();
  }

  private renderClassic(): void {
    const { t } = this.i18n;
    const { containerEl } = this;
    this.unmountAssistants?.();
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
    this.unmountAssistants = this.renderAssistants(
      new Setting(containerEl).setName(t('settings.assistants.name')).setDesc(t('settings.assistants.desc')),
    );
    // The librarian's own group goes here (see getSettingDefinitions).

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
