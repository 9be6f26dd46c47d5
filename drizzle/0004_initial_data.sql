-- Custom migration (design §14.3.1): system roles, default personas, default teams.
-- Idempotent by natural key: a row is inserted only if absent (roles by name; personas by name among
-- the default personas; teams by name), so running this file again never duplicates anything.
-- The §14.3.2 test data is deliberately NOT loaded by any migration.
INSERT INTO roles (name, description, category, subcategory, permissions, is_system) VALUES
    ('admin', 'システム管理者', 'system', 'administration', '{"all": true}', true),
    ('user', '一般ユーザー', 'user', 'basic', '{"read": true, "write": true}', true),
    ('ai_assistant', 'AI秘書', 'ai', 'assistant', '{"read": true, "write": true, "ai_operations": true}', true),
    ('team_leader', 'チームリーダー', 'team', 'leadership', '{"read": true, "write": true, "team_management": true}', true),
    ('workflow_manager', 'ワークフロー管理者', 'workflow', 'management', '{"read": true, "write": true, "workflow_management": true}', true)
ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
INSERT INTO personas (name, description, personality, role_id, is_default, icon_type, icon_metadata, metadata)
SELECT v.name, v.description, v.personality, (SELECT r.id FROM roles r WHERE r.name = v.role_name), true, 'preset',
       v.icon_metadata::jsonb, v.metadata::jsonb
FROM (VALUES
    (1, 'プロジェクトマネージャー', 'プロジェクト管理を専門とするAI秘書', '論理的で効率的、チームワークを重視し、明確なコミュニケーションを心がける', 'team_leader',
     '{"icon_name": "project_manager", "color": "#3B82F6", "style": "professional"}',
     '{"specialization": ["プロジェクト管理", "チーム調整", "進捗管理"], "communication_style": "professional"}'),
    (2, '技術アーキテクト', '技術設計・アーキテクチャを専門とするAI秘書', '創造的で革新的、技術的詳細に精通し、最適解を見つけることに情熱を持つ', 'ai_assistant',
     '{"icon_name": "tech_architect", "color": "#10B981", "style": "technical"}',
     '{"specialization": ["システム設計", "技術選定", "パフォーマンス最適化"], "communication_style": "technical"}'),
    (3, 'クリエイティブディレクター', 'デザイン・創造性を専門とするAI秘書', '芸術的で直感的、美しさと機能性のバランスを取り、革新的なアイデアを生み出す', 'ai_assistant',
     '{"icon_name": "creative_director", "color": "#8B5CF6", "style": "creative"}',
     '{"specialization": ["デザイン思考", "ブランディング", "ユーザー体験"], "communication_style": "creative"}'),
    (4, 'データアナリスト', 'データ分析・洞察を専門とするAI秘書', '分析的で正確、データに基づく意思決定を支援し、パターンとトレンドを見つける', 'ai_assistant',
     '{"icon_name": "data_analyst", "color": "#F59E0B", "style": "analytical"}',
     '{"specialization": ["データ分析", "統計", "ビジネスインテリジェンス"], "communication_style": "analytical"}'),
    (5, '司書AI', '知識管理・情報検索を専門とするAI秘書', '体系的で整理好き、情報の分類・検索・管理に長け、知識の共有を促進する', 'ai_assistant',
     '{"icon_name": "librarian", "color": "#EF4444", "style": "organized"}',
     '{"specialization": ["知識管理", "情報検索", "タグ付け", "テンプレート管理"], "communication_style": "organized"}')
) AS v(ord, name, description, personality, role_name, icon_metadata, metadata)
WHERE NOT EXISTS (SELECT 1 FROM personas p WHERE p.name = v.name AND p.is_default)
ORDER BY v.ord;
--> statement-breakpoint
INSERT INTO teams (name, description, team_type, max_members)
SELECT v.name, v.description, v.team_type, v.max_members
FROM (VALUES
    (1, '開発チーム', 'ソフトウェア開発を担当するチーム', 'development', 10),
    (2, 'デザインチーム', 'UI/UXデザインを担当するチーム', 'design', 8),
    (3, 'プロジェクト管理チーム', 'プロジェクト管理を担当するチーム', 'management', 5),
    (4, 'データ分析チーム', 'データ分析・洞察を担当するチーム', 'analytics', 6),
    (5, '知識管理チーム', '知識管理・情報整理を担当するチーム', 'knowledge', 4)
) AS v(ord, name, description, team_type, max_members)
WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.name = v.name)
ORDER BY v.ord;
