import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { SandboxContext } from '../context.ts';
import type { SandboxEnv } from '../http/env.ts';
import { conflict, notFound, webMessage } from '../http/web-message.ts';
import { refIds } from '../metadata/store.ts';

/**
 * `/api/messageConversations` (`MessageConversationController`): 201 with a Location; 409 for no
 * recipients or an unknown user or org unit; 404 for an unknown user group.
 */
export function messageRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.post('/messageConversations', async (c) => {
    const body = (await c.req.json()) as {
      subject?: string;
      text?: string;
      users?: unknown;
      userGroups?: unknown;
      organisationUnits?: unknown;
    };
    const users = refIds(body.users);
    const groups = refIds(body.userGroups);
    const units = refIds(body.organisationUnits);
    if (users.length + groups.length + units.length === 0)
      return c.json(conflict('No recipients selected.'), 409);
    for (const id of users)
      if (!ctx.metadata.get('users', id))
        return c.json(conflict(`User does not exist: ${id}`), 409);
    for (const id of units)
      if (!ctx.metadata.get('organisationUnits', id))
        return c.json(conflict(`Organisation Unit does not exist: ${id}`), 409);
    for (const id of groups)
      if (!ctx.metadata.get('userGroups', id))
        return c.json(notFound(`User group does not exist: ${id}`), 404);
    const id = `M${randomBytes(5).toString('hex')}`;
    const recipients = { users, userGroups: groups, organisationUnits: units };
    ctx.db
      .prepare(
        'INSERT INTO message_conversations (id, subject, text, sender, recipients, created) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        body.subject ?? '',
        body.text ?? '',
        c.get('user').id,
        JSON.stringify(recipients),
        ctx.clock.now().toISOString().slice(0, 23),
      );
    c.header('Location', `${ctx.baseUrl()}/api/messageConversations/${id}`);
    return c.json(webMessage(201, 'OK', 'Message conversation created'), 201);
  });

  const read = (row: Record<string, string>) => ({
    id: row.id,
    subject: row.subject,
    displayName: row.subject,
    lastMessage: row.created,
    messages: [{ text: row.text, sender: { id: row.sender }, created: row.created }],
    recipients: JSON.parse(row.recipients ?? '{}'),
  });
  app.get('/messageConversations', (c) => {
    const rows = ctx.db
      .prepare('SELECT * FROM message_conversations ORDER BY created DESC')
      .all() as Record<string, string>[];
    return c.json({ messageConversations: rows.map(read) });
  });
  app.get('/messageConversations/:id', (c) => {
    const row = ctx.db
      .prepare('SELECT * FROM message_conversations WHERE id = ?')
      .get(c.req.param('id')) as Record<string, string> | undefined;
    return row
      ? c.json(read(row))
      : c.json(
          notFound(`MessageConversation with id ${c.req.param('id')} could not be found.`),
          404,
        );
  });
  return app;
}
