use crate::rule::{Group, PackageCtx, RuleMeta, Sink};
use crate::util::defs::{declared_here, named};
use crate::util::names::{remove_word, words};
use crate::util::units::type_token;
use instrlint_core::Level;

pub const META: RuleMeta = RuleMeta {
    code: "M110",
    name: "type-in-name",
    group: Group::MetricNames,
    level: Level::Warning,
    summary: "metric name contains its type",
    since: "0.1.0",
};

pub fn check(ctx: &PackageCtx, out: &mut Sink) {
    for (def, name) in named(&ctx.package.metrics) {
        let Some(token) = type_token(&words(name)) else {
            continue;
        };
        let message = format!("metric name `{name}` contains the type word `{token}`");
        let help = match remove_word(name, token) {
            Some(renamed) => format!("rename it to `{renamed}`: the type is in the metadata"),
            None => "name what is measured: the type is in the metadata".to_string(),
        };
        let report = out.report(&META, def.name_span, message).help(help);
        declared_here(report, def, |_, s| {
            words(&s.text).iter().any(|w| w == token)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn fires_on_a_type_word() {
        let d = run(
            check,
            vec![
                gauge("livestream_room_viewers_gauge"),
                counter("livestream_gift_counter_total"),
            ],
        );
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "metric name `livestream_room_viewers_gauge` contains the type word `gauge`"
        );
        assert_eq!(
            d[1].help.as_deref(),
            Some("rename it to `livestream_gift_total`: the type is in the metadata")
        );
    }

    #[test]
    fn silent_on_words_that_merely_contain_a_type() {
        let d = run(
            check,
            vec![
                gauge("livestream_room_metrics_enabled"),
                counter("livestream_gauges_read_total"),
                gauge("x_gauge").unknown(),
            ],
        );
        assert!(d.is_empty());
    }
}
