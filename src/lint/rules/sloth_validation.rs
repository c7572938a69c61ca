//! Rule 1 of lint: everything Sloth refuses, as catalogue entries.
//!
//! These diagnostics are produced by the one validator (`spec` readers, `model::lower`,
//! `model::validate`) that `generate` and `validate` use; lint only renders them. The
//! entries here give each code a name and documentation for `--explain` and docs/rules.md.

use crate::diag::{RuleInfo, Severity};

const fn entry(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    docs: &'static str,
) -> RuleInfo {
    RuleInfo {
        code,
        name,
        severity: Severity::Error,
        summary,
        docs,
    }
}

/// Problems found before a document reaches the model.
pub(crate) const PARSE: &[RuleInfo] = &[
    entry(
        "P001",
        "invalid-yaml",
        "The document is not valid YAML, or is over the parser's limits",
        "## What it does
Reports YAML syntax errors, and documents that nest deeper than 256 levels or expand to more
than a million nodes through aliases (\"billion laughs\").

## Why is this bad?
Sloth cannot read the document, so none of its SLOs generate.

## Example
```yaml
slos:
  - name: a
   objective: 99.9   # P001: bad indentation
```
",
    ),
    entry(
        "P002",
        "unknown-spec",
        "A document of none of the supported spec formats",
        "## What it does
Reports documents that Sloth's format detection does not recognise: `version: \"prometheus/v1\"`,
`apiVersion: sloth.slok.dev/v1` with `kind: PrometheusServiceLevel`, or
`apiVersion: openslo/v1alpha` with `kind: SLO`, each at the start of a line.

## Why is this bad?
Sloth detects formats with regular expressions over the text, so `version: prometheus/v1 # x`
(a trailing comment) or an indented `version:` is not detected, and the file is refused with
\"could not load with any of the supported spec types\".

## Example
```yaml
version: \"prometheus/v1\"  # comment   <- P002: remove the comment
```
",
    ),
    entry(
        "P003",
        "invalid-shape",
        "A field of the wrong type, or a missing required section",
        "## What it does
Reports fields whose YAML type does not fit (a list where a map belongs, an unquoted number
where a Kubernetes spec wants a string) and missing required sections (`slos`).

## Why is this bad?
Sloth refuses the whole document when it cannot decode it.

## Example
```yaml
objective: \"99.9\"   # P003: write it unquoted
```
",
    ),
    entry(
        "P004",
        "plugin-failed",
        "An SLO plugin failed while generating",
        "## What it does
Reports an SLO plugin (the plugin chain of Sloth's generation) that failed for an SLO.

## Why is this bad?
Sloth stops generating that document.

## Example
A `sloth.dev/contrib/…` plugin given a config it cannot use.
",
    ),
    entry(
        "P005",
        "emit-failed",
        "The generated rules could not be written",
        "## What it does
Reports a failure to write the generated rule groups.

## Why is this bad?
No output can be produced for the document.

## Example
Should not happen; please report it.
",
    ),
    entry(
        "P100",
        "unreadable-content",
        "A binary or non-UTF-8 file where a spec was expected",
        "## What it does
Reports files that contain NUL bytes or are not valid UTF-8.

## Why is this bad?
A spec file is YAML text; such a file is usually a stray binary under the specs folder.

## Example
`slos/logo.png.yaml`
",
    ),
    RuleInfo {
        code: "P101",
        name: "empty-file",
        severity: Severity::Warning,
        summary: "A spec file with no documents",
        docs: "## What it does
Reports files that are empty or hold only comments.

## Why is this bad?
Sloth's validation counts such a file as zero specs; it is usually a mistake (a file that
lost its content, or a placeholder).

## Example
An empty `slos/new-service.yaml`.
",
    },
    entry(
        "P102",
        "file-too-large",
        "A spec file larger than lint reads",
        "## What it does
Reports files larger than 16 MiB; they are not parsed.

## Why is this bad?
No hand-written SLO spec is that large; the file is likely generated data in the wrong place,
and parsing it would slow every run.

## Example
A 200 MB YAML dump under `slos/`.
",
    ),
];

/// Sloth's validation rules (`sloth.dev/core/validate/v1`).
pub(crate) const VALIDATION: &[RuleInfo] = &[
    entry(
        "V001",
        "invalid-slo-id",
        "The SLO ID `<service>-<name>` is not a valid name",
        "## What it does
Checks the SLO ID (service and name joined by `-`) against Sloth's name rule: it must start
and end with a letter or digit and contain only letters, digits, `.`, `_` and `-`.

## Why is this bad?
Sloth refuses the SLO. An empty `service` gives the ID `-name`, which fails here first.

## Example
```yaml
service: \"\"        # V001: ID \"-slo1\"
```
",
    ),
    entry(
        "V002",
        "invalid-slo-name",
        "The SLO name is not a valid name",
        "## What it does
Checks the SLO `name` against Sloth's name rule.

## Why is this bad?
Sloth refuses the SLO; the name becomes part of rule group names and the `sloth_slo` label.

## Example
```yaml
- name: \"my slo\"   # V002: spaces are not allowed
```
",
    ),
    entry(
        "V003",
        "invalid-service",
        "The service name is not a valid name",
        "## What it does
Checks `service` against Sloth's name rule.

## Why is this bad?
Sloth refuses every SLO of the document.

## Example
```yaml
service: \"-svc\"   # V003
```
",
    ),
    entry(
        "V004",
        "missing-period",
        "The SLO has no time window",
        "## What it does
Reports an SLO with a zero period.

## Why is this bad?
Sloth cannot compute an error budget without a period.

## Example
`--default-slo-period 0d`.
",
    ),
    entry(
        "V005",
        "objective-out-of-range",
        "The objective is not in (0, 100]",
        "## What it does
Checks that `objective` is above 0 and at most 100.

## Why is this bad?
Sloth refuses the SLO: the objective is a percentage.

## Example
```yaml
objective: 101   # V005
```
",
    ),
    entry(
        "V006",
        "invalid-slo-label",
        "An SLO label with an empty name, `__name__`, or an empty value",
        "## What it does
Checks the group and SLO labels as Sloth does.

## Why is this bad?
Sloth refuses the SLO.

## Example
```yaml
labels:
  team: \"\"   # V006
```
",
    ),
    entry(
        "V007",
        "sli-kind",
        "No SLI, or more than one kind of SLI",
        "## What it does
Checks that `sli` holds exactly one of `events`, `raw` or `plugin`.

## Why is this bad?
Sloth refuses the SLO: it cannot tell which query to use.

## Example
```yaml
sli: {}   # V007
```
",
    ),
    entry(
        "V008",
        "same-queries",
        "error_query is identical to total_query",
        "## What it does
Reports an events SLI whose error and total queries are the same text.

## Why is this bad?
The error ratio would always be 1: every request counted as an error. Sloth refuses it.

## Example
```yaml
error_query: sum(rate(http_requests_total[{{.window}}]))
total_query: sum(rate(http_requests_total[{{.window}}]))   # V008
```
",
    ),
    entry(
        "V009",
        "missing-window",
        "A query that is empty or never uses `{{.window}}`",
        "## What it does
Reports an SLI query that is empty or does not contain `{{.window}}` (Sloth's regex allows
spaces inside the braces, not `{{-`).

## Why is this bad?
Sloth renders each query once per alert window; a query without the window variable would
measure the same range in all of them. Sloth refuses it. Lint runs this check on every query
as written, and points at the query's first line. See also L002 for fixed ranges next to the
window.

## Example
```yaml
error_query: sum(rate(http_requests_total{code=~\"5..\"}[5m]))   # V009
```
",
    ),
    entry(
        "V010",
        "invalid-promql",
        "A query that does not parse as PromQL after `{{.window}}` expansion",
        "## What it does
Renders the query with `{{.window}}` set to `1m` and parses it with a PromQL parser (or, with
`--dialect metricsql`, or when the plugin chain replaces Sloth's validator with
`sloth.dev/contrib/validate_victoria_metrics/v1`, accepts VictoriaMetrics' MetricsQL).

## Why is this bad?
Prometheus would refuse to load the generated recording rules; Sloth refuses the SLO.

## Example
```yaml
error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}])   # V010: missing )
```
",
    ),
    entry(
        "V011",
        "missing-alert-name",
        "An enabled alert with no `alerting.name`",
        "## What it does
Reports an SLO whose page or ticket alert is enabled while `alerting.name` is empty.

## Why is this bad?
An alert rule needs a name; Sloth refuses the SLO. Disable the alert
(`page_alert: {disable: true}`) or name it.

## Example
```yaml
alerting:
  name: \"\"   # V011
```
",
    ),
    entry(
        "V012",
        "invalid-alert-label",
        "An alert label or annotation with an empty name or value",
        "## What it does
Checks alert labels and annotations as Sloth does.

## Why is this bad?
Sloth refuses the SLO.

## Example
```yaml
alerting:
  labels:
    severity: \"\"   # V012
```
",
    ),
    entry(
        "V013",
        "invalid-plugins",
        "An SLO plugin without an ID, or an override with no plugins",
        "## What it does
Checks plugin declarations: every plugin needs an `id`, and `overridePrevious: true` needs at
least one plugin.

## Why is this bad?
Sloth refuses the SLO.

## Example
```yaml
plugins:
  overridePrevious: true
  chain: []   # V013
```
",
    ),
    entry(
        "V014",
        "duplicate-slo-in-document",
        "Two SLOs of one document with the same ID",
        "## What it does
Reports SLO IDs repeated inside one document. Across documents and files see L010.

## Why is this bad?
Sloth refuses the document: the rule groups would collide.

## Example
Two `- name: availability` entries under one `service`.
",
    ),
    entry(
        "V015",
        "unsupported-period",
        "An SLO period with no alert windows in the catalogue",
        "## What it does
Reports an SLO whose period has no `AlertWindows` entry (Sloth embeds 30d and 28d).

## Why is this bad?
Sloth cannot compute burn-rate alerts for it and refuses the SLO.

## Example
`--default-slo-period 7d` without `--slo-period-windows-path`.
",
    ),
    entry(
        "V016",
        "sli-plugin-failed",
        "An SLI plugin that is unknown or failed",
        "## What it does
Reports an `sli.plugin` whose ID is not loaded, or whose options it refuses.

## Why is this bad?
Sloth cannot build the SLI query and refuses the SLO.

## Example
```yaml
sli:
  plugin:
    id: sloth-common/does-not-exist   # V016
```
",
    ),
    entry(
        "V018",
        "slogen-plugin-config",
        "A `slogen/*` SLO plugin whose config, chain position or SLI cannot work",
        "## What it does
Reports a `slogen/alert_for/v1`, `slogen/min_traffic/v1`, `slogen/burn_window_label/v1` or
`slogen/exact_ratio/v1` entry with an unknown config key, a bad duration, a negative
`min_events`, a negative priority (these plugins edit the default plugins' rules, so they
must run after them), the same plugin chained twice for an SLO, or `exact_ratio` and
`min_traffic` on an SLI without event counts (a raw error-ratio query). Each problem is
reported at the key it is about. See docs/plugins.md.

## Why is this bad?
Sloth's contrib plugins ignore unknown config keys, so a misspelled `tiket: 10m` would
silently leave the ticket alert without its `for:`. slogen refuses the spec instead.

## Example
```yaml
plugins:
  chain:
    - id: slogen/alert_for/v1
      config:
        page: 5 minutes   # V018: not a valid duration string
        tiket: 1h         # V018: unknown key \"tiket\" (known keys: page, ticket)
```
",
    ),
];

/// The help line for a validation code: how to fix it.
pub(crate) fn help(code: &str) -> Option<&'static str> {
    Some(match code {
        "P001" => "fix the YAML syntax at this position",
        "P002" => "start the document with `version: \"prometheus/v1\"` (no trailing comment), or the apiVersion and kind of a Kubernetes or OpenSLO spec",
        "P003" => "give the field the type shown",
        "P100" => "keep only YAML text in the specs folder, saved as UTF-8",
        "P101" => "add a spec to the file, or delete it",
        "P102" => "move generated or bulk data out of the specs folder",
        "V001" | "V002" | "V003" => "use letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit",
        "V005" => "write the objective as a percentage above 0 and at most 100, e.g. 99.9",
        "V006" | "V012" => "give every label and annotation a name and a value",
        "V007" => "keep exactly one of `events`, `raw` or `plugin` under `sli`",
        "V008" => "the error query must select only the failed events, e.g. add `code=~\"5..\"`",
        "V011" => "set `alerting.name`, or disable the alert with `disable: true`",
        "V013" => "give every plugin an `id`; with `overridePrevious: true` declare at least one plugin",
        "V014" => "give each SLO of the service its own name",
        "V015" => "use a period of the alert windows catalogue (30d, 28d, 7d, 14d, 90d) or add windows with --slo-period-windows-path",
        "V016" => "check the plugin ID and its options; load extra plugins with -p/--plugins-path",
        "V018" => "fix the config as the message says; docs/plugins.md lists each slogen plugin's keys",
        _ => return None,
    })
}
