"use client";

import { useEffect, useState } from "react";
import { CopyButton } from "./copy-button";
import { cliLoginCommand, curlLoginCommand, LOGIN_ENV, typescriptLoginSnippet } from "./login-commands";

const TABS = [
  { id: "cli", label: "CLI", build: cliLoginCommand },
  { id: "curl", label: "curl (REST)", build: curlLoginCommand },
  { id: "typescript", label: "TypeScript", build: typescriptLoginSnippet },
] as const;

type TabId = (typeof TABS)[number]["id"];

/** How a workload logs in as this identity: the same login three ways, each ready to copy. */
export function LoginCommandsSection({ identityId, tenancyOcid }: { identityId: string; tenancyOcid: string | null }) {
  const [tab, setTab] = useState<TabId>("cli");
  // The service's address as this browser reaches it; the server render uses a stand-in until hydration.
  const [url, setUrl] = useState("http://localhost:3000");
  useEffect(() => setUrl(window.location.origin), []);
  const current = TABS.find((t) => t.id === tab)!;
  const text = current.build({ url, identityId, tenancyOcid });

  return (
    <section className="card" aria-labelledby="login-commands-heading">
      <div className="card-header">
        <div>
          <h2 id="login-commands-heading">Log in as this identity</h2>
          <p>
            Set{" "}
            {LOGIN_ENV.map((name, i) => (
              <span key={name}>
                {i > 0 ? (i === LOGIN_ENV.length - 1 ? " and " : ", ") : null}
                <code>{name}</code>
              </span>
            ))}{" "}
            for the OCI user the workload signs as{tenancyOcid ? "" : " (and attach OCI auth first)"}.
          </p>
        </div>
      </div>
      <div className="card-body">
        <div className="tabs" role="tablist" aria-label="Login command">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`login-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls="login-command-panel"
              className={`tab${tab === t.id ? " tab-active" : ""}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <div id="login-command-panel" role="tabpanel" aria-labelledby={`login-tab-${tab}`} className="command-panel">
          <pre className="command-text" aria-label={`${current.label} login command`}>
            <code>{text}</code>
          </pre>
          <CopyButton value={text} label={`Copy ${current.label} command`} />
        </div>
      </div>
    </section>
  );
}
