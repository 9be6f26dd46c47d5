import { useEffect, useState } from 'preact/hooks';
import type { PlanDiff, PlanVersionApi, TextDiffField } from '../../../../shared/contracts/plans';
import type { MessageKey, Translate } from '../../i18n';
import type { PlansApi } from '../../daemon/plans-client';
import { errorSentence } from '../librarian/error-text';
import { diffView, type ListName } from './diff-model';
import { formatDateTime } from './format';
import { DiffParts } from './parts';

const TEXT_LABELS: Record<TextDiffField, MessageKey> = {
  title: 'plans.pane.field.title',
  description: 'plans.note.column.description',
  objective: 'plans.note.heading.objective',
  scope: 'plans.note.heading.scope',
  riskAssessment: 'plans.note.heading.risks',
  startDate: 'plans.pane.field.start',
  endDate: 'plans.pane.field.end',
  currency: 'plans.pane.field.currency',
};
const LIST_LABELS: Record<ListName, MessageKey> = {
  milestones: 'plans.note.gantt.milestones',
  people: 'plans.note.heading.people',
  costItems: 'plans.note.heading.cost',
  dependencies: 'plans.note.heading.dependencies',
  successCriteria: 'plans.note.heading.success-criteria',
};
const ITEM_MARKS = { added: '+', removed: '−', changed: '~' } as const;

/** The default comparison: the latest version against the one before it. */
export function defaultPair(versions: readonly PlanVersionApi[]): [number, number] | null {
  if (versions.length < 2) return null;
  return [versions[versions.length - 2]!.versionNumber, versions[versions.length - 1]!.versionNumber];
}

export interface VersionsProps {
  api: () => Promise<PlansApi>;
  planId: number;
  /** The plan's current version: the list is read again when it changes. */
  planVersion: number;
  t: Translate;
  language: string;
}

/** The plan's versions, and the readable difference between any two of them. */
export function Versions({ api, planId, planVersion, t, language }: VersionsProps) {
  const [versions, setVersions] = useState<PlanVersionApi[] | null>(null);
  const [pair, setPair] = useState<[number, number] | null>(null);
  const [diff, setDiff] = useState<PlanDiff | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    void api()
      .then((a) => a.versions(planId))
      .then((list) => {
        if (!live) return;
        setVersions(list);
        setPair(defaultPair(list));
        setError(null);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, planId, planVersion]);

  useEffect(() => {
    setDiff(null);
    if (!pair || pair[0] === pair[1]) return;
    let live = true;
    void api()
      .then((a) => a.compare(planId, pair[0], pair[1]))
      .then((d) => live && setDiff(d))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [api, planId, pair?.[0], pair?.[1]]);

  if (error) return <p class="hisho-error">{errorSentence(error, t)}</p>;
  if (!versions) return <p class="hisho-plan-loading">{t('plans.pane.loading')}</p>;
  if (versions.length === 0) return <p class="hisho-plan-unset">{t('plans.pane.versions.none')}</p>;

  const select = (which: 0 | 1, label: string) => (
    <label class="hisho-compare-pick">
      <span>{label}</span>
      <select
        class={which === 0 ? 'hisho-compare-from' : 'hisho-compare-to'}
        value={pair ? String(pair[which]) : ''}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          const [from, to] = pair ?? [n, n];
          setPair(which === 0 ? [n, to] : [from, n]);
        }}
      >
        {versions.map((v) => (
          <option key={v.versionNumber} value={String(v.versionNumber)}>
            {t('plans.pane.versions.option', { number: v.versionNumber })}
          </option>
        ))}
      </select>
    </label>
  );
  const view = diff ? diffView(diff, language) : null;

  return (
    <div class="hisho-plan-versions">
      <ol class="hisho-version-list">
        {versions.map((v) => (
          <li key={v.versionNumber} class="hisho-version" data-version={v.versionNumber}>
            <span class="hisho-version-number">{t('plans.pane.versions.option', { number: v.versionNumber })}</span>
            <span class="hisho-version-date"> · {formatDateTime(v.createdAt, language)}</span>
            {v.changeSummary && <div class="hisho-version-summary">{v.changeSummary}</div>}
          </li>
        ))}
      </ol>
      {versions.length < 2 ? (
        <p class="hisho-plan-unset">{t('plans.pane.versions.one')}</p>
      ) : (
        <div class="hisho-compare">
          <div class="hisho-compare-picks">
            {select(0, t('plans.pane.versions.from'))}
            {select(1, t('plans.pane.versions.to'))}
          </div>
          {pair && pair[0] === pair[1] && <p class="hisho-plan-unset">{t('plans.pane.versions.same')}</p>}
          {view && !view.changed && <p class="hisho-diff-none">{t('plans.pane.versions.no-changes')}</p>}
          {view && view.changed && (
            <div class="hisho-diff" data-from={diff?.from} data-to={diff?.to}>
              {view.text.map((change) => (
                <div key={change.field} class="hisho-diff-field" data-field={change.field}>
                  <div class="hisho-diff-label">{t(TEXT_LABELS[change.field])}</div>
                  <div class="hisho-diff-text">
                    <DiffParts parts={change.parts} />
                  </div>
                </div>
              ))}
              {view.lists.map((list) => (
                <div key={list.list} class="hisho-diff-field" data-field={list.list}>
                  <div class="hisho-diff-label">{t(LIST_LABELS[list.list])}</div>
                  <ul class="hisho-diff-items">
                    {list.items.map((item, i) => (
                      <li key={i} class={`hisho-diff-item is-${item.kind}`} data-kind={item.kind}>
                        <span class="hisho-diff-mark" aria-label={t(`plans.pane.diff.${item.kind}`)}>
                          {ITEM_MARKS[item.kind]}
                        </span>{' '}
                        <DiffParts parts={item.parts} />
                      </li>
                    ))}
                  </ul>
                  {list.unchanged > 0 && <div class="hisho-diff-unchanged">{t('plans.pane.diff.unchanged', { count: list.unchanged })}</div>}
                </div>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
