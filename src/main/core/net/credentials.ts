/**
 * An endpoint's credentials as request headers. Every request to the endpoint carries them —
 * data requests (generate, embed, completions, infer) as much as health checks and model lists:
 * a server behind an auth proxy answers 401 to anything without them, and a health check that
 * has them while the requests do not shows "ok" over an endpoint where every request fails.
 */
export function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {}
}
