/** What a REST call answered: the status and the JSON body (the text when it is not JSON). */
export interface RestAnswer {
  status: number;
  body: any; // each test reads the fields it expects
}

/** One JSON call to the server's REST API, as a client makes it: a bearer token, a JSON body. */
export async function callRestApi(baseUrl: string, method: string, path: string, token?: string, body?: unknown): Promise<RestAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

/** callRestApi on the server `baseUrl()` names when called (tests start it in a hook). */
export const restApiOf =
  (baseUrl: () => string) =>
  (method: string, path: string, token?: string, body?: unknown): Promise<RestAnswer> =>
    callRestApi(baseUrl(), method, path, token, body);
