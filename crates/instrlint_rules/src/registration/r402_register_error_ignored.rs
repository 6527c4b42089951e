use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use instrlint_core::facts::{ErrorUse, RegistryKind};
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "R402",
    name: "register-error-ignored",
    group: Group::Registration,
    level: Level::Warning,
    summary: "the error from `Register` is discarded",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for reg in &ctx.package.registrations {
        if reg.method != "Register" || reg.registry == RegistryKind::Unknown {
            continue;
        }
        let how = match reg.error {
            ErrorUse::Discarded => "discarded",
            ErrorUse::Blank => "assigned to `_`",
            ErrorUse::Used | ErrorUse::NotApplicable => continue,
        };
        out.report(&META, reg.call, format!("the error from `Register` is {how}"))
            .help("handle it (an `AlreadyRegisteredError` means another collector holds the name and this one is never exported), or use `MustRegister` to fail at start-up");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_discarded_and_blank_errors() {
        let regs = vec![
            register("Register", RegistryKind::Default, ErrorUse::Discarded),
            register("Register", RegistryKind::Registry, ErrorUse::Blank),
        ];
        let d = run_pkg(check, Pkg::new(vec![], vec![]).regs(regs));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "the error from `Register` is discarded");
        assert_eq!(d[1].message, "the error from `Register` is assigned to `_`");
    }

    #[test]
    fn silent_on_used_errors_must_register_and_unknown_receivers() {
        let regs = vec![
            register("Register", RegistryKind::Default, ErrorUse::Used),
            register(
                "MustRegister",
                RegistryKind::Default,
                ErrorUse::NotApplicable,
            ),
            register("Register", RegistryKind::Unknown, ErrorUse::Discarded),
        ];
        assert!(run_pkg(check, Pkg::new(vec![], vec![]).regs(regs)).is_empty());
    }
}
