import { useEffect, useState } from 'preact/hooks';
import type { ConnectionMonitor } from '../connection';
import type { AssistantView } from '../daemon/assistant-schemas';
import { LibrarianApi, type LibrarianSettingsPatch } from '../daemon/librarian-client';
import type { EmbeddingStatusView, LibrarianSettingsView } from '../daemon/librarian-schemas';
import type { Translate } from '../i18n';
import { daemonClient } from '../views/librarian/daemon';
import { Field } from './assistant-modal';
import { canEmbed, embeddingProgress, embeddingSkipped } from './librarian-form';

/** How often the embedding progress is read while semantic search is on and the settings are open. */
export const EMBEDDING_STATUS_MS = 5_000;

export interface SemanticGroupProps {
  monitor: ConnectionMonitor;
  t: Translate;
  /** The registered vault's id: with several vaults registered, the progress is this vault's. */
  vault: () => string | undefined;
  settings: LibrarianSettingsView;
  assistants: AssistantView[];
  save: (patch: LibrarianSettingsPatch) => Promise<void>;
}

/** Semantic search's switch, assistant and model, and the background embedding's progress, skipped sections and last error. */
export function SemanticGroup({ monitor, t, vault, settings, assistants, save }: SemanticGroupProps) {
  const semantic = settings.semantic;
  const [model, setModel] = useState<string | null>(null);
  const [status, setStatus] = useState<EmbeddingStatusView | null>(null);

  useEffect(() => {
    if (!semantic.enabled) {
      setStatus(null);
      return;
    }
    let live = true;
    const read = () =>
      daemonClient(monitor)
        .then((client) => new LibrarianApi(client).embeddings(vault()))
        // No progress line rather than an error: the settings above already say when the daemon is away.
        .then((s) => live && setStatus(s), () => live && setStatus(null));
    void read();
    const timer = window.setInterval(() => void read(), EMBEDDING_STATUS_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [monitor, vault, semantic.enabled, semantic.assistantId, semantic.model]);

  const progress = status && embeddingProgress(status, t);
  const skipped = status && embeddingSkipped(status, t);
  return (
    <div class="hisho-lib-semantic-group" data-enabled={String(semantic.enabled)}>
      <h4 class="hisho-lib-semantic-heading">{t('lib.semantic.heading')}</h4>
      <p class="setting-item-description">{t('lib.semantic.intro')}</p>
      <Field cls="hisho-lib-semantic" name={t('lib.semantic')} desc={t('lib.semantic.desc')}>
        <input id="hisho-lib-semantic-input" type="checkbox" checked={semantic.enabled} onChange={(evt) => void save({ semantic: { enabled: evt.currentTarget.checked } })} />
      </Field>
      <Field cls="hisho-lib-semantic-assistant" name={t('lib.semantic-assistant')} desc={t('lib.semantic-assistant.desc')}>
        <select
          id="hisho-lib-semantic-assistant-input"
          class="dropdown"
          value={String(semantic.assistantId ?? '')}
          onChange={(evt) => void save({ semantic: { assistantId: evt.currentTarget.value ? Number(evt.currentTarget.value) : null } })}
        >
          <option value="">{t('lib.none')}</option>
          {assistants.map((a) => (
            <option key={a.id} value={String(a.id)} disabled={!canEmbed(a.provider)}>
              {canEmbed(a.provider) ? `${a.name} (${a.model})` : t('lib.semantic-assistant.no-embeddings', { name: a.name })}
            </option>
          ))}
        </select>
      </Field>
      <Field
        cls="hisho-lib-semantic-model"
        name={t('lib.semantic-model')}
        desc={semantic.defaultModel ? t('lib.semantic-model.desc', { model: semantic.defaultModel }) : t('lib.semantic-model.desc-local')}
      >
        <input
          id="hisho-lib-semantic-model-input"
          type="text"
          placeholder={semantic.defaultModel ?? 'bge-m3'}
          value={model ?? semantic.model ?? ''}
          onInput={(evt) => setModel(evt.currentTarget.value)}
          onChange={(evt) => {
            setModel(null);
            void save({ semantic: { model: evt.currentTarget.value.trim() || null } });
          }}
        />
      </Field>
      {semantic.enabled && semantic.problemMessage && <p class="hisho-lib-semantic-status hisho-error">{semantic.problemMessage}</p>}
      {progress && (
        <p class="hisho-lib-semantic-status hisho-lib-semantic-progress" data-running={String(status.running)}>
          {progress}
        </p>
      )}
      {skipped && <p class="hisho-lib-semantic-status hisho-lib-semantic-skipped">{skipped}</p>}
      {status?.lastError && (
        <p class="hisho-lib-semantic-status hisho-error hisho-lib-semantic-error">{t('lib.semantic.last-error', { message: status.lastError.message })}</p>
      )}
    </div>
  );
}
