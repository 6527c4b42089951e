//! Every ```` ```go bad ```` / ```` ```go good ```` block of `rules/*.md` is
//! one named test: `docs::M105::bad#1`. See `instrlint_tests::docs`.

use instrlint_tests::docs;
use instrlint_tests::rules_dir;
use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    let rules = rules_dir();
    let prelude = docs::prelude(&rules);
    let mut trials = Vec::new();
    for path in docs::doc_files(&rules) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(code) = docs::doc_code(&path, &text) else {
            trials.push(Trial::test(format!("docs::{stem}::code"), move || {
                Err(format!(
                    "{}: neither the title `# CODE name` nor the file name gives a rule code",
                    path.display()
                )
                .into())
            }));
            continue;
        };
        for block in docs::blocks(&text) {
            let name = format!("docs::{code}::{}#{}", block.kind.as_str(), block.index);
            let (path, code, prelude) = (path.clone(), code.clone(), prelude.clone());
            let trial = Trial::test(name, move || {
                docs::run_block(&path, &code, &block, &prelude)
                    .map(|_| ())
                    .map_err(Into::into)
            });
            trials.push(trial);
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
