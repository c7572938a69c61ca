//! Every generated dashboard type-checks as Grafana's own `Dashboard` type.
//!
//! The types come from npm `@grafana/schema` (`dist/types/raw/dashboard/x/types.gen.d.ts` and
//! the panel plugins' `panelcfg` types), compiled with `typescript`'s `tsc --noEmit`; both are
//! pinned by `tests/grafana/package-lock.json` and installed by `./scripts/test` (`npm ci`).
//! The test writes one `.ts` file that assigns each dashboard, each panel's `options` and
//! `fieldConfig.defaults.custom`, and each query to those types. JSON cannot spell a
//! TypeScript enum member, only its value, so the file checks against `Json<T>`: `T` with each
//! string enum also accepting its members' values (`` `${E}` ``); everything else, unknown
//! keys included, is checked as Grafana declares it.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::grafana_view::panels;
use super::support::{root, slogen, text};

/// The panel plugins the dashboards use: plugin id, module, whether it declares a
/// `FieldConfig` for `fieldConfig.defaults.custom`.
const PANEL_TYPES: [(&str, &str, &str, bool); 6] = [
    (
        "stat",
        "Stat",
        "stat/panelcfg/x/StatPanelCfg_types.gen",
        false,
    ),
    (
        "bargauge",
        "BarGauge",
        "bargauge/panelcfg/x/BarGaugePanelCfg_types.gen",
        false,
    ),
    (
        "timeseries",
        "TimeSeries",
        "timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen",
        true,
    ),
    (
        "state-timeline",
        "StateTimeline",
        "statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen",
        true,
    ),
    (
        "table",
        "Table",
        "table/panelcfg/x/TablePanelCfg_types.gen",
        true,
    ),
    (
        "text",
        "Text",
        "text/panelcfg/x/TextPanelCfg_types.gen",
        false,
    ),
];

fn grafana_dir() -> PathBuf {
    root().join("tests/grafana")
}

/// The TypeScript compiler from `tests/grafana`. Fails (never skips) when it is not installed.
fn tsc() -> PathBuf {
    let tsc = grafana_dir().join("node_modules/.bin/tsc");
    assert!(
        tsc.is_file(),
        "{} missing: run `npm ci` in tests/grafana (./scripts/test does it)",
        tsc.display()
    );
    tsc
}

/// A TypeScript module checking `dashboards` (name, JSON) against Grafana's types.
fn typescript(dashboards: &[(String, Value)]) -> String {
    let mut ts = String::from(
        "import type { Dashboard } from \"@grafana/schema/dist/esm/raw/dashboard/x/Dashboard_types.gen\";\n\
         import type { DataQuery } from \"@grafana/schema\";\n",
    );
    for (_, module, path, _) in PANEL_TYPES {
        ts.push_str(&format!(
            "import type * as {module} from \"@grafana/schema/dist/esm/raw/composable/{path}\";\n"
        ));
    }
    ts.push_str(
        "// A JSON value of T: string enums also take their members' values.\n\
         type Json<T> = T extends string ? T | `${T}` : T extends Array<infer U> ? Array<Json<U>> \
         : T extends object ? { [K in keyof T]: Json<T[K]> } : T;\n",
    );
    for (i, (name, d)) in dashboards.iter().enumerate() {
        ts.push_str(&format!(
            "\n// {name}\nexport const d{i}: Json<Dashboard> = {d};\n"
        ));
        for p in panels(d) {
            let kind = p["type"].as_str().unwrap();
            let (_, module, _, custom) = PANEL_TYPES
                .iter()
                .find(|(id, ..)| *id == kind)
                .unwrap_or_else(|| panic!("{name}: panel type {kind} has no declared options"));
            let id = p["id"].as_u64().unwrap();
            ts.push_str(&format!(
                "export const d{i}_p{id}_options: Json<{module}.Options> = {};\n",
                p["options"]
            ));
            if *custom {
                ts.push_str(&format!(
                    "export const d{i}_p{id}_custom: Json<{module}.FieldConfig> = {};\n",
                    p["fieldConfig"]["defaults"]["custom"]
                ));
            }
            for t in p["targets"].as_array().into_iter().flatten() {
                ts.push_str(&format!(
                    "export const d{i}_p{id}_{}: Json<DataQuery> & Record<string, unknown> = {t};\n",
                    t["refId"].as_str().unwrap()
                ));
            }
        }
    }
    ts
}

/// Runs `tsc --noEmit --strict` on `source`; the compiler's output when it fails.
fn type_check(source: &str) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        grafana_dir().join("node_modules"),
        tmp.path().join("node_modules"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("dashboards.ts"), source).unwrap();
    std::fs::write(
        tmp.path().join("tsconfig.json"),
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022",
             "module": "nodenext", "moduleResolution": "nodenext", "types": [] },
           "files": ["dashboards.ts"] }"#,
    )
    .unwrap();
    let out = Command::new(tsc())
        .args(["-p", "tsconfig.json"])
        .current_dir(tmp.path())
        .output()
        .expect("tsc runs (is node installed?)");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", text(&out.stdout), text(&out.stderr)))
    }
}

/// The dashboards slogen writes for `input` with `extra` flags, named after input and file.
fn dashboards_of(input: &str, extra: &[&str]) -> Vec<(String, Value)> {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let mut args = vec!["dashboards", "-i", input, "-o", out_dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = slogen(&root(), &args);
    assert!(out.status.success(), "{input}: {}", text(&out.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let name = format!("{input}: {}", f.file_name().unwrap().to_string_lossy());
            (
                name,
                serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap(),
            )
        })
        .collect()
}

/// Sloth's examples that generate without user plugins.
fn golden_examples() -> Vec<String> {
    let dir = root().join("tests/golden/examples");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| (n.ends_with(".yml") || n.ends_with(".yaml")) && !n.starts_with("plugin-"))
        .map(|n| format!("tests/golden/examples/{n}"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_dashboard_type_checks_as_grafanas_dashboard() {
    let mut all = dashboards_of("slos", &[]);
    all.extend(dashboards_of("tests/fixtures/dashboards/grouped.yaml", &[]));
    all.extend(dashboards_of("tests/fixtures/budget/quiet-batch.yaml", &[]));
    // A 7-day period from a user catalogue: other windows and factors.
    all.extend(dashboards_of(
        "tests/golden/examples/getting-started.yml",
        &[
            "--slo-period-windows-path",
            "tests/golden/examples/windows",
            "--default-slo-period",
            "7d",
        ],
    ));
    for example in golden_examples() {
        all.extend(dashboards_of(&example, &[]));
    }
    assert!(all.len() > 30, "{} dashboards", all.len());
    let kinds: std::collections::BTreeSet<&str> = all
        .iter()
        .flat_map(|(_, d)| panels(d))
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.len(),
        PANEL_TYPES.len(),
        "every panel type is checked: {kinds:?}"
    );
    if let Err(e) = type_check(&typescript(&all)) {
        panic!("the dashboards do not type-check as Grafana's types:\n{e}");
    }
}

#[test]
fn the_type_check_rejects_what_grafana_would_not_read() {
    let (name, good) = dashboards_of("slos/tr-web.yaml", &[])
        .into_iter()
        .find(|(n, _)| n.ends_with("slo-tr-web.json"))
        .unwrap();
    type_check(&typescript(&[(name.clone(), good.clone())])).expect("the generated one passes");
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut d = good.clone();
    d["graphTooltip"] = serde_json::json!(7);
    cases.push(("an enum value Grafana does not define", d));
    let mut d = good.clone();
    d["panels"][1]["gridPos"]["width"] = serde_json::json!(3);
    cases.push(("an unknown grid key", d));
    let mut d = good.clone();
    d.as_object_mut().unwrap().remove("schemaVersion");
    cases.push(("a required key missing", d));
    let mut d = good.clone();
    let stat = d["panels"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["type"] == "stat")
        .unwrap();
    stat["options"]["colorMode"] = serde_json::json!("rainbow");
    cases.push(("a stat colour mode the plugin does not know", d));
    let mut d = good;
    d["panels"][3]["fieldConfig"]["defaults"]["color"]["mode"] = serde_json::json!("thresholdz");
    cases.push(("a field colour mode Grafana does not know", d));
    for (what, d) in cases {
        let err =
            type_check(&typescript(&[(name.clone(), d)])).expect_err(&format!("{what}: accepted"));
        assert!(err.contains("error TS"), "{what}: {err}");
    }
}
