//! Every fixture case under `tests/fixtures/` is one named test:
//! `fixtures::<group>::<CODE>::<case>` or `fixtures::<group>::<case>`.

use instrlint_tests::{fixture, fixtures_dir};
use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    let trials: Vec<Trial> = fixture::cases(&fixtures_dir())
        .into_iter()
        .map(|case| {
            let name = format!("fixtures::{}", case.name.replace('/', "::"));
            Trial::test(name, move || {
                fixture::run_case(&case.dir)
                    .map(|_| ())
                    .map_err(|e| format!("{}:\n{e}", case.dir.display()).into())
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
