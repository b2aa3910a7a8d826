/**
 * The production server (http/app-server.ts) resolves the caller's address from the socket (and
 * trusted proxies) and hands it to Next's pages in this header, replacing any value a client sent:
 * dashboard server components and actions read it for audit events.
 */
export const CLIENT_IP_HEADER = "x-ociauth-client-ip";
