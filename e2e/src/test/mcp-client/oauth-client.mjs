// The e2e tests' MCP client with OAuth: the official MCP TypeScript SDK's own OAuth client (its
// OAuthClientProvider and auth() flow inside StreamableHTTPClientTransport) finds the hub's
// authorization server from the 401, registers itself, and runs the authorization code flow with PKCE.
// This script only plays the person's browser: it opens the authorization URL the SDK hands it, signs in
// on the hub's dashboard sign-in form, allows on the consent page and gives the code back to the SDK.
// Usage (steps as client.mjs; JSON lines on stdout):
//   node oauth-client.mjs <hub-url>/mcp <email> <password> list
//   node oauth-client.mjs <hub-url>/mcp <email> <password> call <tool> '<json-args>' [...]
// The first line is {"step":"connect","clientId":…,"consent":{…},"tokenType":…}; exit 2 when the flow fails.
// Trusts the hub's certificate through NODE_EXTRA_CA_CERTS.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";

const [url, email, password, ...steps] = process.argv.slice(2);
const redirectUrl = "http://127.0.0.1:33419/callback"; // never listened on: the browser here is this script
const saved = {};
let authorizationUrl;
const provider = {
  get redirectUrl() { return redirectUrl; },
  get clientMetadata() {
    return {
      client_name: "enginex-e2e-oauth-client",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  },
  state() { return "e2e-state"; },
  clientInformation() { return saved.client; },
  saveClientInformation(client) { saved.client = client; },
  tokens() { return saved.tokens; },
  saveTokens(tokens) { saved.tokens = tokens; },
  redirectToAuthorization(url) { authorizationUrl = url; },
  saveCodeVerifier(verifier) { saved.verifier = verifier; },
  codeVerifier() { return saved.verifier; },
};

// --- the person's browser: a cookie jar, manual redirects, and the two forms ---------------------------
const jar = new Map();
async function browse(target, init = {}) {
  const headers = { ...(init.headers ?? {}), Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
  const res = await fetch(target, { ...init, headers, redirect: "manual" });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}
const unescape = (s) => s.replaceAll("&amp;", "&").replaceAll("&#39;", "'").replaceAll("&quot;", '"');
const field = (html, re) => {
  const m = html.match(re);
  if (!m) throw new Error(`not found ${re} in ${html.slice(0, 2000)}`);
  return unescape(m[1]);
};
async function playBrowser(authUrl) {
  const origin = new URL(authUrl).origin;
  let page = await browse(authUrl);
  if (page.status !== 303 || !page.location.startsWith("/ui/login")) throw new Error(`expected the sign-in page, got ${page.status}`);
  const signin = await browse(origin + page.location);
  const form = new URLSearchParams({
    csrf: field(signin.body, /name="csrf" value="([^"]+)"/),
    next: field(signin.body, /name="next" value="([^"]+)"/),
    email,
    password,
  });
  const signedIn = await browse(origin + "/ui/login", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status} ${signedIn.body.slice(0, 500)}`);
  page = await browse(origin + signedIn.location);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${page.body.slice(0, 500)}`);
  const consent = {
    clientName: field(page.body, /id="oauth-client-name">([^<]+)</),
    redirectUri: field(page.body, /id="oauth-redirect-uri">([^<]+)</),
    tenant: field(page.body, /id="oauth-tenant">([^<]+)</),
  };
  const action = field(page.body, /<form id="oauth-decision" method="post" action="([^"]+)"/);
  const decided = await browse(origin + action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: field(page.body, /name="csrf" value="([^"]+)"/), decision: "allow" }).toString(),
  });
  const back = new URL(field(decided.body, /id="continue" href="([^"]+)"/));
  if (back.searchParams.get("state") !== "e2e-state") throw new Error(`state lost: ${back}`);
  return { code: back.searchParams.get("code"), consent };
}

// --- the MCP client ------------------------------------------------------------------------------------
let client;
let consent;
try {
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  try {
    await new Client({ name: "enginex-e2e-oauth-client", version: "1.0.0" }).connect(first);
    throw new Error("the hub let the client in without a token");
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
  }
  const browsed = await playBrowser(authorizationUrl);
  consent = browsed.consent;
  await first.finishAuth(browsed.code); // the SDK redeems the code with its PKCE verifier
  client = new Client({ name: "enginex-e2e-oauth-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
} catch (e) {
  console.log(JSON.stringify({ step: "connect", error: { code: e.code ?? null, message: String(e.stack ?? e) } }));
  process.exit(2);
}
console.log(JSON.stringify({
  step: "connect",
  clientId: saved.client.client_id,
  consent,
  tokenType: saved.tokens.token_type,
  expiresIn: saved.tokens.expires_in,
  refreshToken: Boolean(saved.tokens.refresh_token),
  authorizationUrl: authorizationUrl.toString(),
}));
for (let i = 0; i < steps.length; i++) {
  const step = steps[i];
  try {
    if (step === "list") {
      const { tools } = await client.listTools();
      console.log(JSON.stringify({ step, tools }));
    } else if (step === "call") {
      const name = steps[++i];
      const args = JSON.parse(steps[++i]);
      const result = await client.callTool({ name, arguments: args });
      console.log(JSON.stringify({ step, name, result }));
    } else {
      throw new Error(`unknown step ${step}; use list or call`);
    }
  } catch (e) {
    console.log(JSON.stringify({ step, error: { code: e.code ?? null, message: String(e.message) } }));
  }
}
await client.close();
