//! The editor set-ups of the README and `editors/` for the editors CI cannot
//! run (Helix, VS Code: neither installs on Debian 12 from a registry
//! reachable here): each starts `instrlint server` for Go. Neovim's set-up
//! runs for real in `.ci/run` (`scripts/test-neovim.sh`).

use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fenced block after `<!-- name -->` in the README.
fn readme_block(name: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let marker = format!("<!-- {name} -->");
    let after = &readme[readme.find(&marker).expect("the marker") + marker.len()..];
    let body = after.split("```").nth(1).expect("a fenced block");
    body.split_once('\n').expect("a language tag").1.to_string()
}

#[test]
fn helix_languages_toml_runs_the_server_for_go() {
    let config: toml::Table = readme_block("editors:helix").parse().expect("valid TOML");
    let server = &config["language-server"]["instrlint"];
    assert_eq!(server["command"].as_str(), Some("instrlint"));
    assert_eq!(
        server["args"].as_array().unwrap(),
        &[toml::Value::from("server")]
    );
    let languages = config["language"].as_array().expect("[[language]]");
    let go = languages
        .iter()
        .find(|l| l["name"].as_str() == Some("go"))
        .expect("the go language");
    let servers = go["language-servers"].as_array().expect("language-servers");
    assert!(
        servers.contains(&toml::Value::from("instrlint")),
        "{servers:?}"
    );
}

#[test]
fn the_vscode_extension_runs_the_server_for_go_files() {
    let dir = repo().join("editors/vscode");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["activationEvents"],
        serde_json::json!(["onLanguage:go"])
    );
    let main = manifest["main"].as_str().expect("main");
    let code = std::fs::read_to_string(dir.join(main)).expect("the main script exists");
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
    assert!(code.contains(r#"require("vscode-languageclient/node")"#));
    assert!(
        code.contains(r#"args: ["server""#),
        "runs `instrlint server`"
    );
    assert!(code.contains(r#"language: "go""#), "for Go documents");
    let settings = &manifest["contributes"]["configuration"]["properties"];
    assert_eq!(settings["instrlint.path"]["default"], "instrlint");
    assert!(code.contains(r#"settings.get("path", "instrlint")"#));
    assert!(code.contains(r#"settings.get("serverArgs", [])"#));
    assert!(settings["instrlint.serverArgs"].is_object());
}

#[test]
fn the_neovim_setup_runs_the_server_for_go_buffers() {
    let lua = std::fs::read_to_string(repo().join("editors/neovim/instrlint.lua")).unwrap();
    assert!(lua.contains(r#"cmd = { "instrlint", "server" }"#));
    assert!(lua.contains(r#"pattern = "go""#));
    assert!(lua.contains("vim.lsp.start_client") && lua.contains("vim.lsp.start("));
}
