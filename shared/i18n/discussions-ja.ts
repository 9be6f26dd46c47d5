import type { discussionsEn } from './discussions-en';

/** 協議ペインの文字列。キーは discussions-en.ts と同じ（欠けると型エラー）。 */
export const discussionsJa: { readonly [K in keyof typeof discussionsEn]: string } = {
  'command.start-discussion': '選択範囲について協議を始める',

  'discussions.new': '新しい協議',
  'discussions.list.loading': '協議を読み込んでいます…',
  'discussions.back': '協議の一覧',
  'discussions.retry': '再試行',

  'discussions.status.active': '進行中',
  'discussions.status.paused': '一時停止中',
  'discussions.status.completed': '完了',
  'discussions.status.terminated': '終了',

  'discussions.role.none': '参加しない',

  'discussions.state.thinking': '考え中',
  'discussions.state.speaking': '発言中',
  'discussions.state.waiting': '待機中',

  'discussions.closing': '協議を締めくくっています…',

  'discussions.pause.user': 'あなたの指示で一時停止しています。',
  'discussions.pause.provider_failure': 'プロバイダーのエラーで一時停止しています。再開するとその発言をやり直します。',
  'discussions.pause.restart': 'デーモンの再起動後、一時停止しています。再開すると続きから進みます。',
  'discussions.pausing': 'この発言の後で一時停止します…',
  'discussions.ending': 'この発言の後で終了します…',

  'discussions.action.pause': '一時停止',
  'discussions.action.resume': '再開',
  'discussions.action.redirect': '議題を変更',
  'discussions.action.clarify': 'メッセージを送る',
  'discussions.action.terminate': '協議を終了',
  'discussions.redirect.label': '新しい議題',
  'discussions.clarify.label': 'アシスタントへのメッセージ',
  'discussions.clarify.send': '送信',
  'discussions.terminate.confirm': '協議を終了しますか？ 現在の発言の後で止まり、その時点までのまとめを作ります。',
  'discussions.terminate.send': '終了する',
  'discussions.cancel': 'キャンセル',

  'discussions.round': 'ラウンド {round}/{max}',
  'discussions.meta.tokens': '{used}/{budget} トークン',
  'discussions.failed.schema': 'この発言は失敗したため飛ばしました: {reason}',
  'discussions.failed.provider': 'プロバイダーがエラーを返しました: {reason}',
  'discussions.turn.attempt': '{attempt} 回目',
  'discussions.you': 'あなた',
  'discussions.interruption.clarify': 'メッセージ',
  'discussions.interruption.redirect': '新しい議題: {topic}',
  'discussions.interruption.pause': '一時停止',
  'discussions.interruption.terminate': '終了の指示',
  'discussions.transcript.empty': '司会がまもなく協議を始めます。',

  'discussions.save': 'ノートとして保存',
  'discussions.saving': '保存しています…',
  'discussions.saved': '{path} に保存しました',

  'discussions.plan.draft': '合意からプランを起案',
  'discussions.plan.drafting': 'プランを起案しています…',
  'discussions.plan.assistant': '起案するアシスタント',
  'discussions.plan.drafted': 'プラン「{title}」を起案しました。プラン承認で確認を待っています。',
  'discussions.plan.open': 'プランを開く',
  'discussions.plan.no-consensus': 'この協議には、プランの元になる合意がありません。',

  'discussions.link.connecting': '接続しています…',
  'discussions.link.waiting': '接続が切れました。再接続しています…',
  'discussions.link.reconnect': '今すぐ再接続',

  'discussions.form.title': 'タイトル',
  'discussions.form.description.placeholder': 'アシスタントに伝えておくこと（選択したテキストなど）',
  'discussions.form.assistants': 'アシスタント',
  'discussions.form.assistants.loading': 'アシスタントを読み込んでいます…',
  'discussions.form.assistants.none': '有効なアシスタントがいません。先にプラグイン設定で追加してください。',
  'discussions.form.persona.none': 'ペルソナなし',
  'discussions.form.stance': '立場',
  'discussions.form.stance.placeholder': '賛成・反対など…',
  'discussions.form.settings': '設定',
  'discussions.form.max-rounds': '最大ラウンド数',
  'discussions.form.token-budget': 'トークン予算',
  'discussions.form.language': '言語',
  'discussions.form.consult-vault': 'ボールトを参照する',
  'discussions.form.start': '協議を始める',
  'discussions.form.starting': '開始しています…',
};
