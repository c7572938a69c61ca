//! Grafana panel JSON: the few panel types the dashboards use, with every option their
//! plugin's schema requires (`@grafana/schema` 13), so that Grafana draws them as generated.

use serde_json::{json, Map, Value};

/// The data source every panel and query uses: the dashboard's `datasource` variable.
pub fn datasource() -> Value {
    json!({ "type": "prometheus", "uid": "${datasource}" })
}

/// One Prometheus query of a panel.
#[derive(Debug, Clone)]
pub struct Target {
    pub expr: String,
    pub legend: String,
    /// Evaluated once, at the end of the time range (stats, tables), instead of over it.
    pub instant: bool,
    /// Rows of a table instead of time series.
    pub table: bool,
}

impl Target {
    /// A query over the dashboard's time range.
    pub fn range(expr: String, legend: impl Into<String>) -> Self {
        Target {
            expr,
            legend: legend.into(),
            instant: false,
            table: false,
        }
    }

    /// A query at the end of the time range.
    pub fn instant(expr: String, legend: impl Into<String>) -> Self {
        Target {
            instant: true,
            ..Target::range(expr, legend)
        }
    }

    /// An instant query whose series become table rows.
    pub fn table(expr: String) -> Self {
        Target {
            table: true,
            ..Target::instant(expr, "")
        }
    }

    fn to_json(&self, ref_id: &str) -> Value {
        json!({
            "datasource": datasource(),
            "editorMode": "code",
            "expr": self.expr,
            "format": if self.table { "table" } else { "time_series" },
            "instant": self.instant,
            "legendFormat": if self.legend.is_empty() { "__auto" } else { self.legend.as_str() },
            "range": !self.instant,
            "refId": ref_id,
        })
    }
}

/// The refId of the `i`th query: A, B, … Z, AA, AB, …
pub fn ref_id(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    if i < 26 {
        letter(i).to_string()
    } else {
        format!("{}{}", letter(i / 26 - 1), letter(i))
    }
}

/// A panel being built; [`Panel::build`] places it.
#[derive(Debug, Clone)]
pub struct Panel {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub targets: Vec<Target>,
    /// `fieldConfig.defaults` without `custom`.
    pub defaults: Map<String, Value>,
    pub custom: Value,
    pub overrides: Vec<Value>,
    pub options: Value,
    pub transformations: Vec<Value>,
    /// Panel-level min interval.
    pub interval: Option<String>,
    /// A relative time range of its own (`30d`), whatever the dashboard shows.
    pub time_from: Option<String>,
}

/// Where a panel sits on Grafana's 24-column grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Panel {
    fn new(kind: &'static str, title: impl Into<String>, description: impl Into<String>) -> Self {
        Panel {
            kind,
            title: title.into(),
            description: description.into(),
            targets: Vec::new(),
            defaults: Map::new(),
            custom: json!({}),
            overrides: Vec::new(),
            options: json!({}),
            transformations: Vec::new(),
            interval: None,
            time_from: None,
        }
    }

    /// Sets `fieldConfig.defaults.<key>`.
    pub fn set(mut self, key: &str, value: Value) -> Self {
        self.defaults.insert(key.to_string(), value);
        self
    }

    pub fn unit(self, unit: &str) -> Self {
        self.set("unit", json!(unit))
    }

    pub fn target(mut self, t: Target) -> Self {
        self.targets.push(t);
        self
    }

    /// An override of field properties for the frames of one query.
    pub fn override_query(mut self, ref_id: &str, properties: Vec<(&str, Value)>) -> Self {
        self.overrides.push(json!({
            "matcher": { "id": "byFrameRefID", "options": ref_id },
            "properties": properties
                .into_iter()
                .map(|(id, value)| json!({ "id": id, "value": value }))
                .collect::<Vec<_>>(),
        }));
        self
    }

    /// The panel's JSON at `grid`, with `id`.
    pub fn build(self, id: u32, grid: Grid) -> Value {
        let targets: Vec<Value> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| t.to_json(&ref_id(i)))
            .collect();
        let mut defaults = self.defaults;
        if self.kind != "text" {
            defaults.insert("custom".into(), self.custom);
        }
        let mut p = json!({
            "datasource": datasource(),
            "description": self.description,
            "fieldConfig": { "defaults": defaults, "overrides": self.overrides },
            "gridPos": { "h": grid.h, "w": grid.w, "x": grid.x, "y": grid.y },
            "id": id,
            "options": self.options,
            "targets": targets,
            "title": self.title,
            "type": self.kind,
        });
        if !self.transformations.is_empty() {
            p["transformations"] = Value::Array(self.transformations);
        }
        if let Some(i) = self.interval {
            p["interval"] = json!(i);
        }
        if let Some(t) = self.time_from {
            p["timeFrom"] = json!(t);
            p["hideTimeOverride"] = json!(false);
        }
        if self.kind == "text" {
            p.as_object_mut().expect("an object").remove("targets");
        }
        p
    }
}

/// Threshold steps: a base colour, then `(value, colour)` steps.
pub fn thresholds(base: &str, steps: &[(f64, &str)]) -> Value {
    let mut all = vec![json!({ "color": base, "value": null })];
    all.extend(steps.iter().map(|(v, c)| json!({ "color": c, "value": v })));
    json!({ "mode": "absolute", "steps": all })
}

fn reduce_last() -> Value {
    json!({ "calcs": ["lastNotNull"], "fields": "", "values": false })
}

fn legend(show: bool) -> Value {
    json!({ "calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": show })
}

fn hide_from() -> Value {
    json!({ "legend": false, "tooltip": false, "viz": false })
}

/// A single-value panel; `names` shows each series' name with its value (grouped SLOs).
pub fn stat(title: &str, description: &str, names: bool) -> Panel {
    let mut p = Panel::new("stat", title, description);
    p.options = json!({
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": reduce_last(),
        "showPercentChange": false,
        "textMode": if names { "value_and_name" } else { "value" },
        "wideLayout": true,
    });
    p
}

/// Horizontal bars, one per series, coloured by their thresholds.
pub fn bar_gauge(title: &str, description: &str) -> Panel {
    let mut p = Panel::new("bargauge", title, description);
    p.options = json!({
        "displayMode": "basic",
        "legend": legend(false),
        "maxVizHeight": 300,
        "minVizHeight": 16,
        "minVizWidth": 8,
        "namePlacement": "left",
        "orientation": "horizontal",
        "reduceOptions": reduce_last(),
        "showUnfilled": true,
        "sizing": "auto",
        "valueMode": "color",
    });
    p
}

/// Lines over time.
pub fn time_series(title: &str, description: &str) -> Panel {
    let mut p = Panel::new("timeseries", title, description);
    p.custom = json!({
        "axisBorderShow": false,
        "axisCenteredZero": false,
        "axisColorMode": "text",
        "axisLabel": "",
        "axisPlacement": "auto",
        "barAlignment": 0,
        "drawStyle": "line",
        "fillOpacity": 10,
        "gradientMode": "none",
        "hideFrom": hide_from(),
        "insertNulls": false,
        "lineInterpolation": "linear",
        "lineWidth": 1,
        "pointSize": 4,
        "scaleDistribution": { "type": "linear" },
        "showPoints": "never",
        "spanNulls": false,
        "stacking": { "group": "A", "mode": "none" },
        "thresholdsStyle": { "mode": "off" },
    });
    p.options = json!({
        "legend": legend(true),
        "tooltip": { "mode": "multi", "sort": "desc" },
    });
    p
}

/// States over time: one row per series.
pub fn state_timeline(title: &str, description: &str) -> Panel {
    let mut p = Panel::new("state-timeline", title, description);
    p.custom = json!({ "fillOpacity": 80, "hideFrom": hide_from(), "lineWidth": 0 });
    p.options = json!({
        "alignValue": "left",
        "legend": legend(false),
        "mergeValues": true,
        "rowHeight": 0.8,
        "showValue": "never",
        "tooltip": { "mode": "single", "sort": "none" },
    });
    p
}

/// A table; rows sorted by `sort_by` (a column's display name), ascending.
pub fn table(title: &str, description: &str, sort_by: &str) -> Panel {
    let mut p = Panel::new("table", title, description);
    p.custom = json!({
        "align": "auto",
        "cellOptions": { "type": "auto" },
        "filterable": false,
        "inspect": false,
    });
    p.options = json!({
        "cellHeight": "sm",
        "frameIndex": 0,
        "showHeader": true,
        "sortBy": [{ "desc": false, "displayName": sort_by }],
    });
    p
}

/// Markdown text.
pub fn text(title: &str, description: &str, markdown: String) -> Panel {
    let mut p = Panel::new("text", title, description);
    p.options = json!({
        "code": { "language": "plaintext", "showLineNumbers": false, "showMiniMap": false },
        "content": markdown,
        "mode": "markdown",
    });
    p
}

/// A row header across the grid.
pub fn row(id: u32, y: u32, title: &str) -> Value {
    json!({
        "collapsed": false,
        "gridPos": { "h": 1, "w": 24, "x": 0, "y": y },
        "id": id,
        "panels": [],
        "title": title,
        "type": "row",
    })
}

/// Markdown for text written by people, on one line: characters Markdown reads as inline
/// syntax are escaped, a start that would open a block (a list, a heading, a quote) too, HTML
/// is written as entities, and `$` as an entity so Grafana does not take it for a variable.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    // `1. ` or `1) ` opens an ordered list; `99.9%` does not.
    let list_mark = digits > 0
        && s[digits..].starts_with(['.', ')'])
        && s[digits + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
    for (i, c) in s.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '$' => out.push_str("&#36;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            // `- item`, `+ item`, `= heading` or `1. item` at the start.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if i == digits && list_mark => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL as a Markdown link target: characters that would end or break the target are
/// percent-encoded, and `$` too (Grafana variables).
pub fn md_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '$' => out.push_str("%24"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_ids_count_like_spreadsheet_columns() {
        let ids: Vec<String> = [0, 1, 25, 26, 27, 51, 52].map(ref_id).into();
        assert_eq!(ids, ["A", "B", "Z", "AA", "AB", "AZ", "BA"]);
    }

    #[test]
    fn markdown_escapes_syntax_and_variables() {
        assert_eq!(
            md_escape("99.9% of *all* <b>requests</b> [x](y) $route, tr-web_1"),
            "99.9% of \\*all\\* &lt;b&gt;requests&lt;/b&gt; \\[x\\](y) &#36;route, tr-web\\_1"
        );
        assert_eq!(md_escape("- not a list"), "\\- not a list");
        assert_eq!(md_escape("1. not a list"), "1\\. not a list");
        assert_eq!(md_escape("# no heading\nnext"), "\\# no heading next");
        assert_eq!(
            md_url("https://x.example/a b)(\"$v"),
            "https://x.example/a%20b%29%28%22%24v"
        );
    }
}
