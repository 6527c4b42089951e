// instrlint for VS Code: starts `instrlint server` for Go files. VS Code's
// language client does the rest (it pulls diagnostics, shows the rule link
// on each code, offers the "Ignore CODE on this line" quick fix, and tells
// the server when instrlint.toml changes).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const settings = vscode.workspace.getConfiguration("instrlint");
  const server = {
    command: settings.get("path", "instrlint"),
    args: ["server", ...settings.get("serverArgs", [])],
  };
  client = new LanguageClient("instrlint", "instrlint", server, {
    documentSelector: [{ scheme: "file", language: "go" }],
  });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
