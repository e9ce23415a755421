/**
 * How a request reaches a DHIS2 instance: over HTTP, or straight into a server in the same process
 * (the sandbox's `fetch`), so tests can run t2a against it without sockets.
 */
export type Transport = (request: Request) => Promise<Response>;

export const httpTransport: Transport = (request) => fetch(request);
