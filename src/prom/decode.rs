//! Decodes Prometheus API JSON into [`Sample`]s and [`Series`].
//!
//! Values arrive as strings (`"0.5"`, `"NaN"`, `"+Inf"`); they are kept as `f64` including NaN,
//! because a NaN error budget (no traffic) means something different from a missing one.

use serde_json::Value;

use super::{Labels, Sample, Series};

/// Prefix of a decode failure that is really an API error (`type\nmessage` follows).
pub(super) const API_ERROR: &str = "\u{0}api:";

/// The `(errorType, error)` of a `"status":"error"` body, if it is one.
pub(super) fn api_error(body: &str) -> Option<(String, String)> {
    let v: Value = serde_json::from_str(body).ok()?;
    if v.get("status")?.as_str()? != "error" {
        return None;
    }
    let ty = v
        .get("errorType")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let msg = v.get("error").and_then(Value::as_str).unwrap_or("");
    Some((ty.to_string(), msg.to_string()))
}

/// `(isPartial, warnings)` of a successful answer: VictoriaMetrics' partial flag, and the
/// `warnings` Prometheus, Thanos and Mimir may add.
pub(super) fn notes(body: &str) -> (bool, Vec<String>) {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return (false, Vec::new());
    };
    let partial = v.get("isPartial").and_then(Value::as_bool).unwrap_or(false);
    let warnings = v
        .get("warnings")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (partial, warnings)
}

fn data(body: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| format!("not JSON ({e})"))?;
    if let Some((ty, msg)) = api_error(body) {
        return Err(format!("{API_ERROR}{ty}\n{msg}"));
    }
    match v.get("status").and_then(Value::as_str) {
        Some("success") => {}
        _ => return Err("no \"status\":\"success\" field".into()),
    }
    v.get("data")
        .cloned()
        .ok_or_else(|| "no \"data\" field".into())
}

/// Decodes an instant query answer (vector or scalar).
pub(super) fn instant(body: &str) -> Result<Vec<Sample>, String> {
    let data = data(body)?;
    let ty = data.get("resultType").and_then(Value::as_str).unwrap_or("");
    let result = data.get("result").ok_or("no \"result\" field")?;
    match ty {
        "vector" => result
            .as_array()
            .ok_or("\"result\" is not a list")?
            .iter()
            .map(|item| {
                let (timestamp, value) = point(item.get("value").ok_or("sample without value")?)?;
                Ok(Sample {
                    labels: labels(item)?,
                    timestamp,
                    value,
                })
            })
            .collect(),
        "scalar" => {
            let (timestamp, value) = point(result)?;
            Ok(vec![Sample {
                labels: Labels::new(),
                timestamp,
                value,
            }])
        }
        other => Err(format!(
            "unexpected result type {other:?} for an instant query"
        )),
    }
}

/// Decodes a range query answer (matrix).
pub(super) fn range(body: &str) -> Result<Vec<Series>, String> {
    let data = data(body)?;
    let ty = data.get("resultType").and_then(Value::as_str).unwrap_or("");
    if ty != "matrix" {
        return Err(format!("unexpected result type {ty:?} for a range query"));
    }
    let result = data
        .get("result")
        .and_then(Value::as_array)
        .ok_or("no \"result\" list")?;
    result
        .iter()
        .map(|item| {
            let values = item
                .get("values")
                .and_then(Value::as_array)
                .ok_or("series without values")?;
            Ok(Series {
                labels: labels(item)?,
                points: values.iter().map(point).collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

fn labels(item: &Value) -> Result<Labels, String> {
    let metric = item
        .get("metric")
        .and_then(Value::as_object)
        .ok_or("sample without metric")?;
    Ok(metric
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect())
}

fn point(v: &Value) -> Result<(f64, f64), String> {
    let pair = v
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or("a sample is not [time, value]")?;
    let t = pair[0].as_f64().ok_or("a sample time is not a number")?;
    let raw = pair[1].as_str().ok_or("a sample value is not a string")?;
    Ok((t, parse_value(raw)?))
}

/// Parses a Prometheus sample value (Go's `strconv.FormatFloat` output).
pub(super) fn parse_value(raw: &str) -> Result<f64, String> {
    match raw {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => raw
            .parse()
            .map_err(|_| format!("sample value {raw:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_vectors_scalars_and_special_values() {
        let body = r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"sloth_id":"a"},"value":[1700000000,"NaN"]},
            {"metric":{},"value":[1700000000.5,"0.25"]}]}}"#;
        let got = instant(body).unwrap();
        assert_eq!(got.len(), 2);
        assert!(got[0].value.is_nan());
        assert_eq!(got[0].labels["sloth_id"], "a");
        assert_eq!((got[1].timestamp, got[1].value), (1_700_000_000.5, 0.25));
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"#;
        assert_eq!(instant(scalar).unwrap()[0].value, f64::INFINITY);
    }

    #[test]
    fn decodes_matrices() {
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"a":"b"},"values":[[1,"1"],[2,"-Inf"]]}]}}"#;
        let got = range(body).unwrap();
        assert_eq!(got[0].points, vec![(1.0, 1.0), (2.0, f64::NEG_INFINITY)]);
    }

    #[test]
    fn reports_api_errors_and_garbage() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(
            api_error(body),
            Some(("bad_data".into(), "parse error".into()))
        );
        assert!(instant(body).unwrap_err().starts_with(API_ERROR));
        assert!(instant("<html>").unwrap_err().starts_with("not JSON"));
        assert!(parse_value("x").is_err());
    }
}
