use std::io::IsTerminal;

fn main() {
    let terminal = std::io::stdout().is_terminal();
    let code = instrlint_cli::run_cli_on(
        std::env::args_os(),
        // Not locked for the whole run: `instrlint server`'s writer thread
        // writes to standard output.
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        terminal,
    );
    std::process::exit(code);
}
