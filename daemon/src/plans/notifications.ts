/**
 * Notifications (design §13.4.2): one hash per notification under `notification:{user}:{id}`,
 * expiring after seven days. They live in the cache only: losing Redis loses unread notices, never
 * plans. The plugin lists them (GET /notifications) and shows each new one as an Obsidian Notice.
 */
import { randomUUID } from 'node:crypto';
import type { NotificationApi } from '../../../shared/contracts/plans';
import { NOTIFICATION_TYPES } from '../../../shared/contracts/plans';
import { NOTIFICATION_TTL, notificationKey, notificationPrefix } from '../cache/keys';
import type { CacheStore } from '../cache/store';
import { notFound } from '../server/errors';

type NotificationType = (typeof NOTIFICATION_TYPES)[number];

function fromHash(fields: Record<string, string>): NotificationApi | undefined {
  const type = fields.type as NotificationType;
  if (!fields.notification_id || !NOTIFICATION_TYPES.includes(type)) return undefined;
  return {
    id: fields.notification_id,
    type,
    message: fields.message ?? '',
    planId: fields.plan_id ? Number(fields.plan_id) : null,
    read: fields.read === 'true',
    createdAt: fields.created_at ?? new Date(0).toISOString(),
  };
}

export async function notify(cache: CacheStore, userId: number, n: { type: NotificationType; message: string; planId: number | null }): Promise<NotificationApi> {
  const notification: NotificationApi = { id: randomUUID(), ...n, read: false, createdAt: new Date().toISOString() };
  const key = notificationKey(String(userId), notification.id);
  await cache.hset(key, {
    notification_id: notification.id,
    type: notification.type,
    message: notification.message,
    plan_id: notification.planId === null ? '' : String(notification.planId),
    read: 'false',
    created_at: notification.createdAt,
  });
  await cache.expire(key, NOTIFICATION_TTL);
  return notification;
}

/** Newest first. */
export async function listNotifications(cache: CacheStore, userId: number, unread?: boolean): Promise<NotificationApi[]> {
  const keys = await cache.scanPrefix(notificationPrefix(String(userId)));
  const all = await Promise.all(keys.map(async (key) => fromHash(await cache.hgetall(key))));
  return all
    .filter((n): n is NotificationApi => n !== undefined && (unread === undefined || n.read === !unread))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
}

export async function markNotificationRead(cache: CacheStore, userId: number, id: string): Promise<NotificationApi> {
  const key = notificationKey(String(userId), id);
  const current = fromHash(await cache.hgetall(key));
  if (!current) throw notFound('Notification', id);
  // hset keeps the key's expiry: a read notification still goes away seven days after it came.
  await cache.hset(key, { read: 'true' });
  return { ...current, read: true };
}
