import type { aiErrorsEn } from './ai-errors-en';

/** AI 呼び出しが失敗したときの文。キーは ai-errors-en.ts と同じ（欠けると型エラー）。 */
export const aiErrorsJa: { readonly [K in keyof typeof aiErrorsEn]: string } = {
  'ai.who.server': '{server} のモデルサーバー ({model})',
  'ai.error.part.status': '（HTTP {status}）',
  'ai.error.part.hint': '：「{hint}」',

  'ai.error.unreachable': '{who} に接続できませんでした。サーバーが起動していて、ベース URL が正しいか確認してください。',
  'ai.error.timeout': '{who} から {seconds} 秒以内に応答がありませんでした。もう一度試すか、タイムアウトを長くしてください。',
  'ai.error.timeout.provider': '{who} から時間内に応答がありませんでした。もう一度試すか、タイムアウトを長くしてください。',
  'ai.error.unauthorized': '{who} に API キーを拒否されました（キーの誤り、期限切れ、またはこのモデルを使う権限がありません）。アシスタントに正しいキーを設定してください。',
  'ai.error.rate-limited': '{who} へのリクエストが多すぎて制限されています。少し待ってからもう一度お試しください。',
  'ai.error.provider-error': '{who} の側でエラーが起きました{status}。しばらくしてからもう一度お試しください。',
  'ai.error.bad-request': '{who} にリクエストを受け付けてもらえませんでした{status}{hint}。モデル名と設定を確認してください。',
  'ai.error.bad-response': '{who} からの返答を読み取れませんでした（形式の誤りか、途中で切れています）。もう一度お試しください。',
  'ai.error.truncated': '{who} の返答が途中で切れました。もう一度お試しください。',
  'ai.error.schema-mismatch': '{who} の回答が決められた形式になっていませんでした（{reason}）。',
  'ai.error.schema-mismatch.not-json': '返答が正しい JSON ではありません',
  'ai.error.cancelled': 'リクエストは取り消されました。',
  'ai.error.key-missing': '{who} には API キーが必要です。このアシスタントにキーを設定してください。',
  'ai.error.key-missing.named': '{who} には API キーが必要です。アシスタント「{name}」にキーを設定してください。',
  'ai.error.no-secret-key': '保存済みの API キーを読むための秘密鍵がデーモンにありません。デーモンを再起動してください。',
  'ai.error.key-unreadable': '「{name}」の保存済み API キーを読み取れません（秘密鍵が変わりました）。キーをもう一度入力してください。',

  'ai.test.answered': '{name} から応答がありました（{provider}、{model}）。',
  'ai.discussion.assistant-deleted': 'アシスタント「{name}」は削除されています。有効なアシスタントにしてから（または協議を終えてから）再開してください。',
  'ai.discussion.assistant-inactive': 'アシスタント「{name}」は無効になっています。有効にしてから（または協議を終えてから）再開してください。',
  'ai.plan.schema-mismatch': '{sentence}計画は保存していません。もう一度試すか、依頼を言い換えてください。',
  'ai.plan.broke-rules': 'アシスタントの計画が 2 回続けて計画のルールに合いませんでした（{problems}）。計画は保存していません。もう一度試すか、依頼を言い換えてください。',
};
