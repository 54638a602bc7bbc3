import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { setApiTransport } from "./api.ts";
import { browserScriptHost, loadWafIntegration, sendThroughEdge } from "./waf.ts";
import "./styles.css";
import "./flow.css";
import "./flow-pages.css";

// The AWS WAF challenge script (production builds; absent locally): calls wait for it to load,
// so even the first join carries a WAF token.
const waf = loadWafIntegration(import.meta.env.VITE_WAF_CHALLENGE_URL, browserScriptHost(document, window));
setApiTransport(sendThroughEdge(waf, (input, init) => fetch(input, init)));

const root = document.getElementById("root");
if (root === null) throw new Error("index.html is missing the #root element");

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
