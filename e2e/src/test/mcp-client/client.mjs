// The e2e tests' MCP client: the official MCP TypeScript SDK over Streamable HTTP, no code of ours
// between it and the hub. Usage (one MCP session per run, steps in order; JSON lines on stdout):
//   node client.mjs <hub-url>/mcp <api-key> list
//   node client.mjs <hub-url>/mcp <api-key> call <tool> '<json-args>' [call <tool> '<json-args>' …]
// Calls ask for progress notifications and print them with the result. A step that fails prints {"step":…,"error":{"code":…,"message":…}}; the process exits 0 unless the
// session could not even be opened (exit 2). Trusts the hub's certificate through NODE_EXTRA_CA_CERTS.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key, ...steps] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
const client = new Client({ name: "enginex-e2e-client", version: "1.0.0" });
try {
  await client.connect(transport);
} catch (e) {
  console.log(JSON.stringify({ step: "connect", error: { code: e.code ?? null, message: String(e.message) } }));
  process.exit(2);
}
console.log(JSON.stringify({ step: "connect", server: client.getServerVersion(), sessionId: transport.sessionId }));
for (let i = 0; i < steps.length; i++) {
  const step = steps[i];
  try {
    if (step === "list") {
      const { tools } = await client.listTools();
      console.log(JSON.stringify({ step, tools }));
    } else if (step === "call") {
      const name = steps[++i];
      const args = JSON.parse(steps[++i]);
      const progress = [];
      const result = await client.callTool({ name, arguments: args }, undefined, {
        onprogress: (p) => progress.push(p),
        resetTimeoutOnProgress: true,
      });
      console.log(JSON.stringify({ step, name, result, progress }));
    } else {
      throw new Error(`unknown step ${step}; use list or call`);
    }
  } catch (e) {
    console.log(JSON.stringify({ step, error: { code: e.code ?? null, message: String(e.message) } }));
  }
}
await client.close();
