use super::analyze::*;
use super::*;
use crate::gofmt::{format_f, label_set};

fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// The document `x: <value>`.
fn one(value: &str) -> String {
    to_string(&map(vec![("x", s(value))]))
}

/// The document with `value` under `key`, nested in `k:` maps so that `key` sits at
/// column `indent`.
fn nested(indent: usize, key: &str, value: &str) -> String {
    let mut v = map(vec![(key, s(value))]);
    for _ in 0..indent / 2 {
        v = map(vec![("k", v)]);
    }
    to_string(&v)
}

/// The document with `value` under key `x` at column `indent`.
fn at_indent(indent: usize, value: &str) -> String {
    nested(indent, "x", value)
}

#[test]
fn plain_and_double_quoted_by_resolution() {
    let cases: &[(&str, &str)] = &[
        // Strings YAML 1.1 reads as something else get double quotes.
        ("2", r#""2""#),
        ("99.9", r#""99.9""#),
        ("-1", r#""-1""#),
        ("+1", r#""+1""#),
        ("1e3", r#""1e3""#),
        ("1E+3", r#""1E+3""#),
        (".5", r#"".5""#),
        ("1.", r#""1.""#),
        ("", r#""""#),
        ("~", r#""~""#),
        ("null", r#""null""#),
        ("Null", r#""Null""#),
        ("NULL", r#""NULL""#),
        ("true", r#""true""#),
        ("True", r#""True""#),
        ("FALSE", r#""FALSE""#),
        ("yes", r#""yes""#),
        ("Yes", r#""Yes""#),
        ("y", r#""y""#),
        ("N", r#""N""#),
        ("no", r#""no""#),
        ("on", r#""on""#),
        ("On", r#""On""#),
        ("OFF", r#""OFF""#),
        (".inf", r#"".inf""#),
        ("-.Inf", r#""-.Inf""#),
        ("+.INF", r#""+.INF""#),
        (".NaN", r#"".NaN""#),
        ("0x1F", r#""0x1F""#),
        ("0X1f", r#""0X1f""#),
        ("0o17", r#""0o17""#),
        ("017", r#""017""#),
        ("08", r#""08""#),
        ("0b101", r#""0b101""#),
        ("-0b101", r#""-0b101""#),
        ("0b-1", r#""0b-1""#),
        ("1_000", r#""1_000""#),
        (".5_5", r#"".5_5""#),
        ("18446744073709551615", r#""18446744073709551615""#),
        ("-9223372036854775809", r#""-9223372036854775809""#),
        ("2024-01-01", r#""2024-01-01""#),
        ("2024-1-2", r#""2024-1-2""#),
        ("2024-02-29", r#""2024-02-29""#),
        ("2024-01-01T10:00:00Z", r#""2024-01-01T10:00:00Z""#),
        (
            "2024-1-2t3:4:5.123456789+02:00",
            r#""2024-1-2t3:4:5.123456789+02:00""#,
        ),
        ("2024-01-01 10:00:00", r#""2024-01-01 10:00:00""#),
        ("2024-01-01  10:00:00,5", r#""2024-01-01  10:00:00,5""#),
        ("1:20", r#""1:20""#),
        ("07:30", r#""07:30""#),
        ("1:2:3", r#""1:2:3""#),
        ("+1_0:59.5", r#""+1_0:59.5""#),
        // Strings that stay strings are plain.
        ("<<", "<<"),
        ("yEs", "yEs"),
        ("yes please", "yes please"),
        ("._5", "._5"),
        ("1e999", "1e999"),
        ("0xFFFFFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF"),
        ("0x", "0x"),
        ("1.2.3", "1.2.3"),
        ("2023-02-29", "2023-02-29"),
        ("2024-13-01", "2024-13-01"),
        ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
        ("2024-01-01T24:00:00Z", "2024-01-01T24:00:00Z"),
        ("2024-01-01x", "2024-01-01x"),
        ("12024-01-01", "12024-01-01"),
        ("1:60", "1:60"),
        ("5m", "5m"),
        ("30d", "30d"),
        ("myservice", "myservice"),
        ("it's", "it's"),
        ("cli-gen-prom", "cli-gen-prom"),
        ("prometheus/v1", "prometheus/v1"),
        ("vector(0.9990000000000001)", "vector(0.9990000000000001)"),
        ("\u{a0}x", "\u{a0}x"),
        ("é", "é"),
    ];
    for (value, want) in cases {
        assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
    }
}

/// The one-pass ASCII analysis finds what the character walk finds, for every string of
/// up to five characters over an alphabet of the characters that matter to it.
#[test]
fn ascii_analysis_matches_the_character_walk() {
    let alphabet = [' ', '\n', ':', '#', '-', '?', '.', 'a', '\'', '|', '\t'];
    let mut strings = vec![String::new()];
    let mut checked = 0;
    for _ in 0..5 {
        let mut longer = Vec::new();
        for s in &strings {
            for c in alphabet {
                let t = format!("{s}{c}");
                let slow = analyze_chars(&t);
                match analyze_ascii(&t) {
                    Some(fast) => assert_eq!(fast, slow, "{t:?}"),
                    None => assert!(t.contains('\t'), "{t:?} left to the walk"),
                }
                checked += 1;
                longer.push(t);
            }
        }
        strings = longer;
    }
    assert!(checked > 100_000);
    for t in [
        "---x", "...", "a: b", "a:", "x #y", "a\n#b", "é", "\u{85}x", "a\r",
    ] {
        if let Some(fast) = analyze_ascii(t) {
            assert_eq!(fast, analyze_chars(t), "{t:?}");
        } else {
            assert!(!t.is_ascii() || t.contains('\r'), "{t:?}");
        }
    }
}

#[test]
fn single_quoted_for_indicators() {
    let cases: &[(&str, &str)] = &[
        ("#alerts-myteam", "'#alerts-myteam'"),
        ("a: b", "'a: b'"),
        ("a:", "'a:'"),
        ("1:", "'1:'"),
        ("- x", "'- x'"),
        ("-", "'-'"),
        ("? x", "'? x'"),
        (": x", "': x'"),
        ("@x", "'@x'"),
        ("`x`", "'`x`'"),
        ("%x", "'%x'"),
        ("!x", "'!x'"),
        ("&x", "'&x'"),
        ("*x", "'*x'"),
        ("|x", "'|x'"),
        (">x", "'>x'"),
        ("[a]", "'[a]'"),
        ("{a}", "'{a}'"),
        (",a", "',a'"),
        ("'q'", "'''q'''"),
        ("\"q\"", "'\"q\"'"),
        ("a #b", "'a #b'"),
        ("---", "'---'"),
        ("...x", "'...x'"),
        ("trail ", "'trail '"),
        (" lead", "' lead'"),
        (
            "{{$labels.sloth_service}} is down",
            "'{{$labels.sloth_service}} is down'",
        ),
        // Indicators that only matter in flow context, or not at the start, stay plain.
        ("a#b", "a#b"),
        ("a,b", "a,b"),
        ("a:b", "a:b"),
        ("?x", "?x"),
        (":x", ":x"),
        ("-x", "-x"),
        ("a [b] {c}", "a [b] {c}"),
        ("code=~\"(5..|429)\"", "code=~\"(5..|429)\""),
    ];
    for (value, want) in cases {
        assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
    }
}

#[test]
fn double_quoted_escapes() {
    let cases: &[(&str, &str)] = &[
        ("tab\there", r#""tab\there""#),
        ("a\rb", r#""a\rb""#),
        ("\u{0}\u{7}\u{8}\u{b}\u{c}\u{1b}", r#""\0\a\b\v\f\e""#),
        ("\u{1}\u{7f}", r#""\x01\x7F""#),
        ("\u{85}", r#""\N""#),
        ("\u{9f}", r#""\x9F""#),
        ("emoji😀", r#""emoji\U0001F600""#),
        ("😀", r#""\U0001F600""#),
        ("\u{fffe}", r#""\uFFFE""#),
        ("q\"b\\\t", r#""q\"b\\\t""#),
        // A newline with an escape-forcing neighbour: no literal block possible.
        ("a \nb", r#""a \nb""#),
        ("a\tb\nc", r#""a\tb\nc""#),
        ("a\nb ", r#""a\nb ""#),
        // Quirk: a leading byte-order mark escapes every character after it.
        ("\u{feff}ab c", r#""\uFEFF\x61\x62\x20\x63""#),
    ];
    for (value, want) in cases {
        assert_eq!(one(value), format!("x: {want}\n"), "value {value:?}");
    }
}

#[test]
fn literal_blocks() {
    let cases: &[(&str, &str)] = &[
        ("a\nb", "x: |-\n  a\n  b\n"),
        ("a\nb\n", "x: |\n  a\n  b\n"),
        ("a\n\n", "x: |+\n  a\n\n"),
        ("a\nb\n\n\n", "x: |+\n  a\n  b\n\n\n"),
        ("\n", "x: |2+\n\n"),
        ("\na", "x: |2-\n\n  a\n"),
        (" a\nb", "x: |2-\n   a\n  b\n"),
        ("a\n\n  b\n", "x: |\n  a\n\n    b\n"),
        ("a\n b", "x: |-\n  a\n   b\n"),
        ("it's: #1\n- [x]", "x: |-\n  it's: #1\n  - [x]\n"),
    ];
    for (value, want) in cases {
        assert_eq!(one(value), *want, "value {value:?}");
    }
    // Content is indented two more than the owning key, wherever it is.
    assert_eq!(
        at_indent(4, "a\nb\n"),
        "k:\n  k:\n    x: |\n      a\n      b\n"
    );
    assert_eq!(
        to_string(&Value::Seq(vec![s("a\nb"), s("c")])),
        "- |-\n  a\n  b\n- c\n"
    );
}

#[test]
fn plain_folding_at_80_columns() {
    let a77 = "a".repeat(77);
    let a78 = "a".repeat(78);
    // The column must be past 80 when the space comes.
    assert_eq!(one(&format!("{a77} b c")), format!("x: {a77} b\n  c\n"));
    assert_eq!(one(&format!("{a78} b c")), format!("x: {a78}\n  b c\n"));
    // Never at a space followed by a space, nor at the second of two spaces.
    assert_eq!(one(&format!("{a78}  b")), format!("x: {a78}  b\n"));
    // A long token is never broken.
    let long = "a".repeat(100);
    assert_eq!(one(&long), format!("x: {long}\n"));
    // Continuation lines are indented two more than the key.
    assert_eq!(
        at_indent(6, &format!("{a78} b")),
        format!("k:\n  k:\n    k:\n      x: {a78}\n        b\n")
    );
    // Keys never fold.
    let key = format!("{a78} b c");
    assert_eq!(
        to_string(&map(vec![(key.as_str(), s("v"))])),
        format!("{key}: v\n")
    );
}

/// Golden lines: the same strings fold differently at the std and the K8s indentation.
#[test]
fn golden_folding_points() {
    let sel = label_set([
        ("sloth_id", "myservice-requests-availability"),
        ("sloth_service", "myservice"),
        ("sloth_slo", "requests-availability"),
    ]);
    let expr = format!("1 - slo:period_burn_rate:ratio{sel}");
    assert_eq!(
        at_indent(4, &expr),
        "k:\n  k:\n    x: 1 - slo:period_burn_rate:ratio{sloth_id=\"myservice-requests-availability\",\n      sloth_service=\"myservice\", sloth_slo=\"requests-availability\"}\n"
    );
    assert_eq!(
        at_indent(6, &expr),
        "k:\n  k:\n    k:\n      x: 1 - slo:period_burn_rate:ratio{sloth_id=\"myservice-requests-availability\",\n        sloth_service=\"myservice\", sloth_slo=\"requests-availability\"}\n"
    );
    let title = "(ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.";
    assert!(nested(6, "title", title).ends_with(
        "      title: (ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget\n        burn rate is too fast.\n"
    ));
    assert!(nested(8, "title", title).ends_with(
        "        title: (ticket) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error\n          budget burn rate is too fast.\n"
    ));
    // Single-quoted folding (examples/_gen/home-wifi.yml, k8s-home-wifi.yml).
    let summary =
        "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.";
    assert!(nested(6, "summary", summary).ends_with(
        "      summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn\n        rate is over expected.'\n"
    ));
    assert!(nested(8, "summary", summary).ends_with(
        "        summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget\n          burn rate is over expected.'\n"
    ));
}

#[test]
fn quoted_folding() {
    let a76 = "a".repeat(76);
    let a77 = "a".repeat(77);
    // Single-quoted: `x: '#` is 5 columns, so the space comes at column 81.
    assert_eq!(one(&format!("#{a76} b c")), format!("x: '#{a76}\n  b c'\n"));
    // Never at the last character.
    assert_eq!(one(&format!("#{a76} ")), format!("x: '#{a76} '\n"));
    // Double-quoted: a space after the fold is protected by a backslash.
    assert_eq!(
        one(&format!("\t{a77} b")),
        format!("x: \"\\t{a77}\n  b\"\n")
    );
    assert_eq!(
        one(&format!("\t{a77}  b")),
        format!("x: \"\\t{a77}\n  \\ b\"\n")
    );
    assert_eq!(one(&format!("\t{a77} ")), format!("x: \"\\t{a77} \"\n"));
}

#[test]
fn keys() {
    let doc = |k: &str| to_string(&map(vec![(k, s("v"))]));
    assert_eq!(doc("2"), "\"2\": v\n");
    assert_eq!(doc("yes"), "\"yes\": v\n");
    assert_eq!(doc(""), "\"\": v\n");
    assert_eq!(doc("a: b"), "'a: b': v\n");
    assert_eq!(doc("#k"), "'#k': v\n");
    assert_eq!(doc("tab\tkey"), "\"tab\\tkey\": v\n");
    assert_eq!(
        doc("app.kubernetes.io/component"),
        "app.kubernetes.io/component: v\n"
    );
    // Up to 128 bytes a key is simple; longer keys use the complex form.
    let k128 = "k".repeat(128);
    assert_eq!(doc(&k128), format!("{k128}: v\n"));
    let k129 = "k".repeat(129);
    assert_eq!(doc(&k129), format!("? {k129}\n: v\n"));
    // Bytes, not characters: 43 three-byte characters are 129 bytes.
    let wide = "日".repeat(43);
    assert_eq!(doc(&wide), format!("? {wide}\n: v\n"));
    // A multi-line key is a complex key written as a literal block.
    assert_eq!(doc("a\nb"), "? |-\n  a\n  b\n: v\n");
    // Complex keys are not simple keys, so they fold.
    let words = vec!["word"; 30].join(" ");
    let folded = format!(
        "? {}\n  {}\n: v\n",
        vec!["word"; 16].join(" "),
        vec!["word"; 14].join(" ")
    );
    assert_eq!(doc(&words), folded);
    // Collections after a complex key start on the `:` line.
    assert_eq!(
        to_string(&map(vec![(k129.as_str(), map(vec![("a", Value::Int(1))]))])),
        format!("? {k129}\n: a: 1\n")
    );
    assert_eq!(
        to_string(&map(vec![(
            k129.as_str(),
            Value::Seq(vec![s("a"), s("b")])
        )])),
        format!("? {k129}\n: - a\n  - b\n")
    );
}

#[test]
fn collections_and_indentation() {
    let cases: Vec<(Value, &str)> = vec![
        (map(vec![]), "{}\n"),
        (Value::Seq(vec![]), "[]\n"),
        (map(vec![("a", map(vec![]))]), "a: {}\n"),
        (map(vec![("a", Value::Seq(vec![]))]), "a: []\n"),
        (Value::Seq(vec![map(vec![]), Value::Seq(vec![])]), "- {}\n- []\n"),
        (
            map(vec![("a", map(vec![("b", map(vec![("c", s("d"))]))]))]),
            "a:\n  b:\n    c: d\n",
        ),
        (
            Value::Seq(vec![Value::Seq(vec![s("a"), s("b")]), Value::Seq(vec![s("c")])]),
            "- - a\n  - b\n- - c\n",
        ),
        (
            map(vec![(
                "groups",
                Value::Seq(vec![map(vec![
                    ("name", s("x")),
                    ("interval", s("5m")),
                    ("rules", Value::Seq(vec![map(vec![("record", s("r")), ("expr", s("e"))])])),
                ])]),
            )]),
            "groups:\n- name: x\n  interval: 5m\n  rules:\n  - record: r\n    expr: e\n",
        ),
        (
            Value::Seq(vec![map(vec![("a", map(vec![("b", s("c"))])), ("d", s("e"))])]),
            "- a:\n    b: c\n  d: e\n",
        ),
        (
            map(vec![
                ("i", Value::Int(5)),
                ("neg", Value::Int(-3)),
                ("t", Value::Bool(true)),
                ("f", Value::Bool(false)),
                ("h", Value::Float(0.5)),
                ("g", Value::Float(1e6)),
                ("s", Value::Float(1e-5)),
                ("w", Value::Float(30.0)),
                ("p", Value::Float(f64::INFINITY)),
                ("m", Value::Float(f64::NEG_INFINITY)),
                ("q", Value::Float(f64::NAN)),
                ("z", Value::Null),
            ]),
            "i: 5\nneg: -3\nt: true\nf: false\nh: 0.5\ng: 1e+06\ns: 1e-05\nw: 30\np: .inf\nm: -.inf\nq: .nan\nz: null\n",
        ),
        (Value::Seq(vec![Value::Null, Value::Int(1)]), "- null\n- 1\n"),
    ];
    for (value, want) in cases {
        assert_eq!(to_string(&value), want, "{value:?}");
    }
}

/// Derived from the emitter code (no golden has it): a Unicode line separator is copied
/// as is, resets the column, and the next line gets the scalar indentation.
#[test]
fn unicode_line_separator_quirk() {
    assert_eq!(one("a\u{2028}b"), "x: 'a\u{2028}  b'\n");
}

#[test]
fn natural_order() {
    let ascending: &[&[&str]] = &[
        &["team2", "team10"],
        &["a9", "a10"],
        &["a1", "a01"],
        &["a-b", "a_b", "a1"],
        &["_x", "A", "a"],
        &["Z", "a", "z", "é"],
        &["a", "ab"],
        &["a11", "a105"],
        &["10", "100"],
        &["a100", "a10x"],
        &["x", "x1", "x1a"],
        &[
            "sloth_id",
            "sloth_mode",
            "sloth_objective",
            "sloth_service",
            "sloth_severity",
            "sloth_slo",
            "sloth_spec",
            "sloth_version",
            "sloth_window",
        ],
        &["cmd", "owner", "plug-l1", "repo", "sloth_id", "tier"],
        &["apiVersion", "kind", "metadata", "spec"],
        &["annotations", "labels", "name", "namespace"],
        &[
            "app.kubernetes.io/component",
            "app.kubernetes.io/managed-by",
        ],
        &["interval", "name", "rules"],
        &["alert", "annotations", "expr", "labels", "record"],
    ];
    for keys in ascending {
        for w in keys.windows(2) {
            assert_eq!(
                natural_cmp(w[0], w[1]),
                Ordering::Less,
                "{} < {}",
                w[0],
                w[1]
            );
            assert_eq!(
                natural_cmp(w[1], w[0]),
                Ordering::Greater,
                "{} > {}",
                w[1],
                w[0]
            );
        }
    }
    assert_eq!(natural_cmp("same", "same"), Ordering::Equal);
}

#[test]
fn sort_natural_shallow_and_deep() {
    let unsorted = || {
        map(vec![
            ("team10", s("x")),
            (
                "b",
                Value::Seq(vec![map(vec![("z", s("1")), ("a", s("2"))])]),
            ),
            ("team2", map(vec![("yy", s("1")), ("x", s("2"))])),
            ("_a", s("x")),
        ])
    };
    let mut shallow = unsorted();
    sort_natural(&mut shallow, false);
    assert_eq!(
        to_string(&shallow),
        "_a: x\nb:\n- z: \"1\"\n  a: \"2\"\nteam2:\n  yy: \"1\"\n  x: \"2\"\nteam10: x\n"
    );
    let mut deep = unsorted();
    sort_natural(&mut deep, true);
    assert_eq!(
        to_string(&deep),
        "_a: x\nb:\n- a: \"2\"\n  z: \"1\"\nteam2:\n  x: \"2\"\n  yy: \"1\"\nteam10: x\n"
    );
}

// -----------------------------------------------------------------------------------------
// Whole documents against Sloth's own output (examples/getting-started.yml, generated with
// `--extra-labels cmd=examplesgen.sh`), built from the rule data, not parsed from the golden.

struct Rule {
    record: Option<String>,
    alert: Option<String>,
    expr: String,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A labels map in the order given, as a Go map would arrive (unsorted).
fn string_map(list: &[(String, String)]) -> Value {
    Value::Map(list.iter().map(|(k, v)| (k.clone(), s(v))).collect())
}

/// The rule groups of getting-started.yml; `mode` and `spec` are the info labels.
fn getting_started_groups(mode: &str, spec: &str) -> Vec<(String, Vec<Rule>)> {
    let id = "myservice-requests-availability";
    let sel = label_set([
        ("sloth_slo", "requests-availability"),
        ("sloth_service", "myservice"),
        ("sloth_id", id),
    ]);
    // Deliberately out of order: the writers sort label maps.
    let base = pairs(&[
        ("tier", "2"),
        ("sloth_slo", "requests-availability"),
        ("sloth_service", "myservice"),
        ("sloth_id", id),
        ("repo", "myorg/myservice"),
        ("owner", "myteam"),
        ("cmd", "examplesgen.sh"),
    ]);
    let with = |extra: &[(&str, &str)]| {
        let mut l = base.clone();
        l.extend(pairs(extra));
        l
    };

    let mut sli = Vec::new();
    for w in ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] {
        sli.push(Rule {
            record: Some(format!("slo:sli_error:ratio_rate{w}")),
            alert: None,
            expr: format!(
                "(sum(rate(http_request_duration_seconds_count{{job=\"myservice\",code=~\"(5..|429)\"}}[{w}])))\n/\n(sum(rate(http_request_duration_seconds_count{{job=\"myservice\"}}[{w}])))\n"
            ),
            labels: with(&[("sloth_window", w)]),
            annotations: vec![],
        });
    }
    sli.push(Rule {
        record: Some("slo:sli_error:ratio_rate30d".into()),
        alert: None,
        expr: format!(
            "sum_over_time(slo:sli_error:ratio_rate5m{sel}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{sel}[30d])\n"
        ),
        labels: with(&[("sloth_window", "30d")]),
        annotations: vec![],
    });

    let ratio = format_g(99.9 / 100.0);
    let burn = |w: &str| {
        format!(
            "slo:sli_error:ratio_rate{w}{sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{sel}\n"
        )
    };
    let meta_rule = |record: &str, expr: String, labels: Vec<(String, String)>| Rule {
        record: Some(record.into()),
        alert: None,
        expr,
        labels,
        annotations: vec![],
    };
    let objective = format_f(99.9);
    let meta = vec![
        meta_rule(
            "slo:objective:ratio",
            format!("vector({ratio})"),
            base.clone(),
        ),
        meta_rule(
            "slo:error_budget:ratio",
            format!("vector(1-{ratio})"),
            base.clone(),
        ),
        meta_rule("slo:time_period:days", "vector(30)".into(), base.clone()),
        meta_rule("slo:current_burn_rate:ratio", burn("5m"), base.clone()),
        meta_rule("slo:period_burn_rate:ratio", burn("30d"), base.clone()),
        meta_rule(
            "slo:period_error_budget_remaining:ratio",
            format!("1 - slo:period_burn_rate:ratio{sel}"),
            base.clone(),
        ),
        meta_rule(
            "sloth_slo_info",
            "vector(1)".into(),
            with(&[
                ("sloth_version", "dev"),
                ("sloth_spec", spec),
                ("sloth_objective", &objective),
                ("sloth_mode", mode),
            ]),
        ),
    ];

    let budget = format_g((100.0 - 99.9) / 100.0);
    let alert_expr = |quick: (&str, &str, f64), slow: (&str, &str, f64)| {
        let half = |(short, long, factor): (&str, &str, f64)| {
            let f = format_g(factor);
            format!(
                "(\n    max(slo:sli_error:ratio_rate{short}{sel} > ({f} * {budget})) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate{long}{sel} > ({f} * {budget})) without (sloth_window)\n)\n"
            )
        };
        format!("{}or\n{}", half(quick), half(slow))
    };
    let title = |sev: &str| {
        format!(
            "({sev}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast."
        )
    };
    let summary = "High error rate on 'myservice' requests responses";
    let alerts = vec![
        Rule {
            record: None,
            alert: Some("MyServiceHighErrorRate".into()),
            expr: alert_expr(("5m", "1h", 14.4), ("30m", "6h", 6.0)),
            labels: pairs(&[
                ("sloth_severity", "page"),
                ("severity", "pageteam"),
                ("routing_key", "myteam"),
                ("category", "availability"),
            ]),
            annotations: vec![
                ("title".into(), title("page")),
                ("summary".into(), summary.into()),
            ],
        },
        Rule {
            record: None,
            alert: Some("MyServiceHighErrorRate".into()),
            expr: alert_expr(("2h", "1d", 3.0), ("6h", "3d", 1.0)),
            labels: pairs(&[
                ("sloth_severity", "ticket"),
                ("slack_channel", "#alerts-myteam"),
                ("severity", "slack"),
                ("category", "availability"),
            ]),
            annotations: vec![
                ("title".into(), title("ticket")),
                ("summary".into(), summary.into()),
            ],
        },
    ];

    vec![
        (format!("sloth-slo-sli-recordings-{id}"), sli),
        (format!("sloth-slo-meta-recordings-{id}"), meta),
        (format!("sloth-slo-alerts-{id}"), alerts),
    ]
}

/// The std writer's shape: Go struct order, label and annotation maps natural-sorted.
fn std_rule(r: &Rule) -> Value {
    let mut m = Vec::new();
    if let Some(record) = &r.record {
        m.push(("record".to_string(), s(record)));
    }
    if let Some(alert) = &r.alert {
        m.push(("alert".to_string(), s(alert)));
    }
    m.push(("expr".to_string(), s(&r.expr)));
    for (key, list) in [("labels", &r.labels), ("annotations", &r.annotations)] {
        if !list.is_empty() {
            let mut v = string_map(list);
            sort_natural(&mut v, false);
            m.push((key.to_string(), v));
        }
    }
    Value::Map(m)
}

/// The K8s writer's shape: plain maps in any order, everything natural-sorted.
fn k8s_rule(r: &Rule) -> Value {
    let mut m = Vec::new();
    if !r.labels.is_empty() {
        m.push(("labels".to_string(), string_map(&r.labels)));
    }
    if !r.annotations.is_empty() {
        m.push(("annotations".to_string(), string_map(&r.annotations)));
    }
    m.push(("expr".to_string(), s(&r.expr)));
    if let Some(record) = &r.record {
        m.push(("record".to_string(), s(record)));
    }
    if let Some(alert) = &r.alert {
        m.push(("alert".to_string(), s(alert)));
    }
    Value::Map(m)
}

fn golden(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("reading golden {}: {e}", file.display()));
    let header = "\n---\n# Code generated by Sloth (dev): https://github.com/slok/sloth.\n# DO NOT EDIT.\n\n";
    text.strip_prefix(header)
        .expect("a single Sloth document with the dev header")
        .to_string()
}

fn assert_same(got: &str, want: &str) {
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or(0);
        panic!(
            "first difference at line {}:\n got: {:?}\nwant: {:?}",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn golden_std_getting_started() {
    let groups = getting_started_groups("cli-gen-prom", "prometheus/v1");
    let doc = map(vec![(
        "groups",
        Value::Seq(
            groups
                .iter()
                .map(|(name, rules)| {
                    map(vec![
                        ("name", s(name)),
                        ("rules", Value::Seq(rules.iter().map(std_rule).collect())),
                    ])
                })
                .collect(),
        ),
    )]);
    assert_same(
        &to_string(&doc),
        &golden("examples/_gen/getting-started.yml"),
    );
}

#[test]
fn golden_k8s_getting_started() {
    let groups = getting_started_groups("cli-gen-k8s", "sloth.slok.dev/v1");
    let mut doc = map(vec![
        (
            "spec",
            map(vec![(
                "groups",
                Value::Seq(
                    groups
                        .iter()
                        .map(|(name, rules)| {
                            map(vec![
                                ("rules", Value::Seq(rules.iter().map(k8s_rule).collect())),
                                ("name", s(name)),
                            ])
                        })
                        .collect(),
                ),
            )]),
        ),
        (
            "metadata",
            map(vec![
                ("namespace", s("monitoring")),
                ("name", s("sloth-slo-my-service")),
                (
                    "labels",
                    map(vec![
                        ("app.kubernetes.io/managed-by", s("sloth")),
                        ("app.kubernetes.io/component", s("SLO")),
                    ]),
                ),
            ]),
        ),
        ("kind", s("PrometheusRule")),
        ("apiVersion", s("monitoring.coreos.com/v1")),
    ]);
    sort_natural(&mut doc, true);
    assert_same(
        &to_string(&doc),
        &golden("examples/_gen/k8s-getting-started.yml"),
    );
}
