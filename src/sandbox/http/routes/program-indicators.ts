import { Hono } from 'hono';
import type { SandboxContext } from '../../context.ts';
import { describeProgramIndicatorText } from '../../pi/description.ts';
import { atLeast } from '../../version.ts';
import type { SandboxEnv, SandboxHttpContext } from '../env.ts';
import { webMessage } from '../web-message.ts';

/*
 * `POST /api/programIndicators/expression/description` and `/filter/description`
 * (`ProgramIndicatorController`, 2.36–2.43): a DescriptiveWebMessage answered 200 either way — status OK,
 * message "Valid" and the description, or status ERROR, "Expression is not valid" and the parser's
 * message as description. 2.36–2.38 read the body as the text itself (`@RequestBody String`, whatever
 * its type); 2.39–2.43 map a JSON body to `Expression` (`{"expression": …}`) and text/plain to the
 * text, and answer an empty one OK with "Expression is not valid" and no description.
 */

const VALID = 'Valid';
const NOT_VALID = 'Expression is not valid';

type Read = { text: string } | { answer: Response };

async function readBody(ctx: SandboxContext, c: SandboxHttpContext): Promise<Read> {
  const raw = await c.req.text();
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!atLeast(ctx.version, 39)) {
    if (raw === '')
      return { answer: c.json(webMessage(400, 'ERROR', 'Required request body is missing'), 400) };
    return { text: raw };
  }
  if (type === 'text/plain') return { text: raw };
  if (type !== 'application/json')
    return {
      answer: c.json(
        webMessage(415, 'ERROR', `Content type '${type || 'none'}' not supported`),
        415,
      ),
    };
  try {
    const body = raw === '' ? null : (JSON.parse(raw) as { expression?: unknown } | null);
    return { text: typeof body?.expression === 'string' ? body.expression : '' };
  } catch {
    return { answer: c.json(webMessage(400, 'ERROR', 'JSON parse error'), 400) };
  }
}

export function programIndicatorRoutes(ctx: SandboxContext): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  for (const kind of ['expression', 'filter'] as const)
    app.post(`/programIndicators/${kind}/description`, async (c) => {
      const read = await readBody(ctx, c);
      if ('answer' in read) return read.answer;
      if (read.text === '') return c.json(webMessage(200, 'OK', NOT_VALID));
      const described = describeProgramIndicatorText(
        read.text,
        kind,
        (type, id) => ctx.metadata.get(type, id),
        ctx.version,
      );
      return c.json(
        described.ok
          ? { ...webMessage(200, 'OK', VALID), description: described.description }
          : { ...webMessage(200, 'ERROR', NOT_VALID), description: described.message },
      );
    });
  return app;
}
