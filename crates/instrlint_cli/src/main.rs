use std::io::IsTerminal;

fn main() {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let code = instrlint_cli::run_cli_on(
        std::env::args_os(),
        &mut stdout.lock(),
        &mut std::io::stderr(),
        terminal,
    );
    std::process::exit(code);
}
