use super::config::{eq, fragment, ConfigError};
use super::facts::{collect, AlertFacts, SloFacts, Speed, WindowLabel};
use super::merge::merge;
use super::*;
use crate::emit::yaml::Value;
use crate::pipeline::Generator;
use crate::prove::plan_file;

const SPEC: &str = r#"
version: "prometheus/v1"
service: "svc"
slos:
  - name: "avail"
    objective: 99.9
    sli:
      raw:
        error_ratio_query: sum(rate(err[{{.window}}])) / sum(rate(all[{{.window}}]))
    alerting:
      name: SvcErrors
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
  - name: "v1.2"
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(err[{{.window}}])) / sum(rate(all[{{.window}}]))
    alerting:
      name: SvcErrors
      page_alert:
        disable: true
      ticket_alert:
        labels:
          severity: warning
"#;

fn facts(spec: &str) -> Vec<SloFacts> {
    collect(&plan_file(&Generator::default(), spec).unwrap()).unwrap()
}

fn map_get<'a>(v: &'a Value, key: &str) -> &'a Value {
    match v {
        Value::Map(m) => &m.iter().find(|(k, _)| k == key).expect(key).1,
        _ => panic!("not a map: {v:?}"),
    }
}

fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::Seq(items) => items
            .iter()
            .map(|i| match i {
                Value::Str(s) => s.clone(),
                other => panic!("not a string: {other:?}"),
            })
            .collect(),
        _ => panic!("not a list: {v:?}"),
    }
}

#[test]
fn route_matches_the_specs_ids_escaped_and_routes_each_severity() {
    let frag = fragment(&facts(SPEC), &Options::default()).unwrap();
    // `.` in an ID is a regex metacharacter, escaped for RE2, then `\` doubled for the
    // matcher's quoting.
    assert_eq!(
        strs(map_get(&frag.route, "matchers")),
        [r#"sloth_id=~"svc-avail|svc-v1\\.2""#]
    );
    assert_eq!(
        strs(map_get(&frag.route, "group_by")),
        ["sloth_id", "sloth_service", "sloth_slo", "sloth_severity"]
    );
    assert_eq!(map_get(&frag.route, "continue"), &Value::Bool(true));
    let Value::Seq(children) = map_get(&frag.route, "routes") else {
        panic!()
    };
    assert_eq!(children.len(), 2);
    assert_eq!(map_get(&children[0], "receiver"), &Value::from("slo-page"));
    assert_eq!(
        strs(map_get(&children[0], "matchers")),
        [r#"sloth_severity="page""#]
    );
    assert_eq!(map_get(&children[0], "group_wait"), &Value::from("30s"));
    assert_eq!(
        map_get(&children[1], "receiver"),
        &Value::from("slo-ticket")
    );
    assert_eq!(map_get(&children[1], "repeat_interval"), &Value::from("1d"));
    // Page mutes ticket within one SLO.
    assert_eq!(frag.inhibit_rules.len(), 1);
    let rule = &frag.inhibit_rules[0];
    assert_eq!(
        strs(map_get(rule, "source_matchers")),
        [r#"sloth_severity="page""#]
    );
    assert_eq!(
        strs(map_get(rule, "target_matchers")),
        [r#"sloth_severity="ticket""#]
    );
    assert_eq!(strs(map_get(rule, "equal")), ["sloth_id"]);
    // Placeholders: a name and nothing else.
    assert!(frag.receivers.iter().all(|r| r.placeholder));
    assert_eq!(
        frag.receivers[0].value,
        Value::Map(vec![("name".into(), "slo-page".into())])
    );
    // Labels every ticket alert carries (both SLOs), for the header.
    let ticket = &frag.common_labels[1].1;
    assert_eq!(ticket["severity"], "warning");
    assert_eq!(ticket["sloth_service"], "svc");
    assert!(!ticket.contains_key("sloth_id"), "the IDs differ");
}

#[test]
fn severities_no_alert_carries_get_no_route_and_no_inhibition() {
    let only_tickets = SPEC.replace(
        "      page_alert:\n        labels:\n          severity: critical",
        "      page_alert:\n        disable: true",
    );
    let frag = fragment(&facts(&only_tickets), &Options::default()).unwrap();
    let Value::Seq(children) = map_get(&frag.route, "routes") else {
        panic!()
    };
    assert_eq!(children.len(), 1);
    assert_eq!(
        map_get(&children[0], "receiver"),
        &Value::from("slo-ticket")
    );
    assert!(frag.inhibit_rules.is_empty());
    assert_eq!(frag.receivers.len(), 1);

    let none = only_tickets.replace(
        "      ticket_alert:\n        labels:\n          severity: warning",
        "      ticket_alert:\n        disable: true",
    );
    assert_eq!(
        fragment(&facts(&none), &Options::default()),
        Err(ConfigError::NoAlerts)
    );
}

#[test]
fn webhook_receivers_send_resolved_with_a_token_file() {
    let opts = Options {
        webhook: Some(Webhook {
            url: "http://incidents:8080/alerts".into(),
            credentials_file: Some("/etc/am/token".into()),
        }),
        exclusive: true,
        ..Options::default()
    };
    let frag = fragment(&facts(SPEC), &opts).unwrap();
    assert_eq!(map_get(&frag.route, "continue"), &Value::Bool(false));
    for r in &frag.receivers {
        assert!(!r.placeholder);
        let Value::Seq(hooks) = map_get(&r.value, "webhook_configs") else {
            panic!()
        };
        assert_eq!(hooks.len(), 1);
        assert_eq!(
            map_get(&hooks[0], "url"),
            &Value::from("http://incidents:8080/alerts")
        );
        assert_eq!(map_get(&hooks[0], "send_resolved"), &Value::Bool(true));
        let auth = map_get(map_get(&hooks[0], "http_config"), "authorization");
        assert_eq!(map_get(auth, "type"), &Value::from("Bearer"));
        assert_eq!(
            map_get(auth, "credentials_file"),
            &Value::from("/etc/am/token")
        );
    }
}

#[test]
fn options_alertmanager_would_refuse_are_errors_naming_the_flag() {
    let bad = |o: Options| o.validate().unwrap_err();
    let same = Options {
        ticket_receiver: "slo-page".into(),
        ..Options::default()
    };
    assert!(bad(same).contains("--page-receiver and --ticket-receiver"));
    let zero = Options {
        ticket: Timers {
            repeat_interval: crate::duration::Duration::from_millis(0),
            ..Timers::TICKET
        },
        ..Options::default()
    };
    assert!(bad(zero).contains("--ticket-repeat-interval"));
    for url in ["incidents:8080", "ftp://x", "http://", "http:///alerts"] {
        let o = Options {
            webhook: Some(Webhook {
                url: url.into(),
                credentials_file: None,
            }),
            ..Options::default()
        };
        assert!(bad(o).contains("--webhook-url"), "{url}");
    }
    let creds = Options {
        webhook: Some(Webhook {
            url: "https://user:secret@incidents/alerts".into(),
            credentials_file: None,
        }),
        ..Options::default()
    };
    assert!(bad(creds).contains("no credentials"));
}

/// Two SLOs whose alerts carry `sloth_window`, as `slogen/burn_window_label/v1` labels them:
/// one per window pair. `windows` gives each SLO's (page quick, page slow, ticket quick,
/// ticket slow) long windows.
fn windowed(windows: &[(&str, [&str; 4])]) -> Vec<SloFacts> {
    windows
        .iter()
        .map(|(id, w)| {
            let d = |s: &str| crate::duration::Duration::parse(s).unwrap();
            let mut slo = SloFacts {
                id: id.to_string(),
                service: "svc".into(),
                name: id.to_string(),
                alerts: Vec::new(),
                page_windows: (d(w[0]), d(w[1])),
                ticket_windows: (d(w[2]), d(w[3])),
            };
            for (sev, value) in [
                (Severity::Page, w[0]),
                (Severity::Page, w[1]),
                (Severity::Ticket, w[2]),
                (Severity::Ticket, w[3]),
            ] {
                let speed = slo.speed_of(sev, value);
                slo.alerts.push(AlertFacts {
                    alertname: "A".into(),
                    severity: sev,
                    labels: [
                        ("sloth_severity".to_string(), sev.label().to_string()),
                        ("sloth_window".to_string(), value.to_string()),
                    ]
                    .into(),
                    window: Some(WindowLabel {
                        value: value.into(),
                        speed,
                    }),
                });
            }
            slo
        })
        .collect()
}

#[test]
fn the_quick_window_pair_mutes_the_slow_one_of_the_same_slo() {
    let slos = windowed(&[
        ("a", ["1h", "6h", "1d", "3d"]),
        ("b", ["1h", "6h", "1d", "3d"]),
    ]);
    assert_eq!(
        slos[0].alerts[0].window.as_ref().unwrap().speed,
        Some(Speed::Quick)
    );
    let frag = fragment(&slos, &Options::default()).unwrap();
    let rules: Vec<(Vec<String>, Vec<String>)> = frag
        .inhibit_rules
        .iter()
        .map(|r| {
            (
                strs(map_get(r, "source_matchers")),
                strs(map_get(r, "target_matchers")),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            (
                vec![eq("sloth_severity", "page")],
                vec![eq("sloth_severity", "ticket")]
            ),
            (
                vec![eq("sloth_severity", "page"), eq("sloth_window", "1h")],
                vec![eq("sloth_severity", "page"), eq("sloth_window", "6h")]
            ),
            (
                vec![eq("sloth_severity", "ticket"), eq("sloth_window", "1d")],
                vec![eq("sloth_severity", "ticket"), eq("sloth_window", "3d")]
            ),
        ]
    );
}

#[test]
fn window_rules_name_their_slos_when_catalogs_disagree() {
    // SLO b's quick page window is a's slow one: an unrestricted pair of rules would let
    // 6h and 1h mute each other in both SLOs.
    let slos = windowed(&[
        ("a", ["1h", "6h", "1d", "3d"]),
        ("b", ["6h", "1d", "1d", "3d"]),
    ]);
    let frag = fragment(&slos, &Options::default()).unwrap();
    let targets: Vec<Vec<String>> = frag
        .inhibit_rules
        .iter()
        .map(|r| strs(map_get(r, "target_matchers")))
        .collect();
    assert!(targets.contains(&vec![
        eq("sloth_severity", "page"),
        eq("sloth_window", "6h"),
        r#"sloth_id=~"a""#.to_string()
    ]));
    assert!(targets.contains(&vec![
        eq("sloth_severity", "page"),
        eq("sloth_window", "1d"),
        r#"sloth_id=~"b""#.to_string()
    ]));
    // The tickets agree: no ID restriction.
    assert!(targets.contains(&vec![
        eq("sloth_severity", "ticket"),
        eq("sloth_window", "3d")
    ]));
}

#[test]
fn matcher_values_are_escaped_as_alertmanager_unescapes_them() {
    assert_eq!(eq("l", r#"a"b\c"#), r#"l="a\"b\\c""#);
    assert_eq!(eq("l", "x\ny"), r#"l="x\ny""#);
}

const USER: &str = "\
# comment that goes
global:
  resolve_timeout: 5m
route:
  receiver: team
  group_by: [alertname]
  routes:
    - matchers: [severity=\"critical\"]
      receiver: pager
      continue: yes
inhibit_rules:
  - source_matchers: [severity=\"critical\"]
    target_matchers: [severity=\"warning\"]
    equal: [alertname]
receivers:
  - name: team
  - name: pager
  - name: slo-page
    pagerduty_configs:
      - routing_key_file: /etc/pd
templates: ['/etc/am/*.tmpl']
";

#[test]
fn merge_splices_first_keeps_the_rest_and_is_idempotent() {
    let frag = fragment(&facts(SPEC), &Options::default()).unwrap();
    let once = merge(USER, &frag).unwrap();
    assert_eq!(
        merge(&once, &frag).unwrap(),
        once,
        "a second merge changes nothing"
    );
    assert!(!once.contains("comment"), "comments do not survive");
    let top = crate::yaml::parse_one(&once, crate::source::Pos::new(1, 1)).unwrap();
    let keys: Vec<&str> = top
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_scalar().unwrap().text.as_str())
        .collect();
    assert_eq!(
        keys,
        ["global", "route", "inhibit_rules", "receivers", "templates"]
    );
    // `yes` is read as yaml.v2 reads it, a boolean, and written as one.
    assert!(once.contains("continue: true"), "{once}");
    // Slogen's route goes first, the user's after it.
    let route_at = once.find("sloth_id=~").unwrap();
    assert!(route_at < once.find("receiver: pager").unwrap());
    // The user's filled-in placeholder stays; the missing one is added.
    assert!(once.contains("routing_key_file: /etc/pd"));
    assert!(once.contains("- name: slo-ticket"));
    assert_eq!(
        once.matches("sloth_severity=\"page\"").count(),
        2,
        "route + inhibit"
    );
    assert!(
        once.contains("- alertname\n"),
        "the user's inhibit rule stays"
    );
}

#[test]
fn merge_replaces_a_stale_slogen_route_and_webhook_receivers() {
    let old = merge(USER, &fragment(&facts(SPEC), &Options::default()).unwrap()).unwrap();
    // The specs changed (an SLO is gone) and the receivers became webhooks.
    let fewer = SPEC.split("  - name: \"v1.2\"").next().unwrap().to_string();
    let opts = Options {
        webhook: Some(Webhook {
            url: "http://incidents:8080/alerts".into(),
            credentials_file: None,
        }),
        ..Options::default()
    };
    let new = merge(&old, &fragment(&facts(&fewer), &opts).unwrap()).unwrap();
    assert_eq!(new.matches("sloth_id=~").count(), 1, "{new}");
    assert!(new.contains(r#"sloth_id=~"svc-avail""#));
    assert_eq!(new.matches("url: http://incidents:8080/alerts").count(), 2);
    assert!(
        !new.contains("routing_key_file"),
        "--webhook-url owns the receivers"
    );
    assert_eq!(new.matches("- name: slo-page").count(), 1);
}

#[test]
fn merge_refuses_what_is_not_an_alertmanager_configuration() {
    let frag = fragment(&facts(SPEC), &Options::default()).unwrap();
    let e = merge("receivers: []\n", &frag).unwrap_err();
    assert!(e.message.contains("no `route`"), "{e}");
    let e = merge("- a\n", &frag).unwrap_err();
    assert!(e.message.contains("a list"), "{e}");
    let e = merge("route:\n  receiver: a\nroute:\n  receiver: b\n", &frag).unwrap_err();
    assert_eq!(e.pos, crate::source::Pos::new(3, 1));
    assert!(e.message.contains("twice"), "{e}");
    let e = merge("route: [\n", &frag).unwrap_err();
    assert!(e.message.contains("not valid YAML"), "{e}");
    let e = merge("route:\n  receiver: a\n  routes: 3\n", &frag).unwrap_err();
    assert!(e.message.contains("list of routes"), "{e}");
}
