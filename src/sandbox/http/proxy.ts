import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from './env.ts';

/**
 * What the reverse proxy in front of a real DHIS2 does before DHIS2 sees a request: nginx keeps the
 * request line in one of its `large_client_header_buffers` (default 4 × 8k) and answers a longer one with
 * 414 Request-URI Too Large (Tomcat alone: 400 over `maxHttpHeaderSize`, also 8 KB). Code that builds
 * URLs from lists of indicators and org units meets this limit on every real server.
 */
export function requestLineLimit(maxBytes: number): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (maxBytes <= 0) return next();
    const url = new URL(c.req.url);
    const line = `${c.req.method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
    if (Buffer.byteLength(line) <= maxBytes) return next();
    return c.html(
      '<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n<center><h1>414 Request-URI Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
      414,
    );
  };
}
