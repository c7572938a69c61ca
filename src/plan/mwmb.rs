//! The multi-window, multi-burn-rate alert set of an SLO.
//!
//! compat(sloth): factors are computed in Sloth's order of float operations (budget share ×
//! period hours / 100 / long-window hours) from Go's `Duration.Hours()`, so that the printed
//! factors match to the last digit (sloth-generation.md §4.1).

use crate::duration::Duration;
use crate::model::Slo;
use crate::spec::windows::Window;

/// One alert window with its burn-rate factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MwmbAlert {
    pub short: Duration,
    pub long: Duration,
    pub burn_rate_factor: f64,
    /// Share of the error budget this window consumes when it fires, percent.
    pub error_budget_percent: f64,
    /// `100 - objective`, percent.
    pub error_budget: f64,
}

/// The four alert windows of an SLO.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MwmbAlerts {
    pub page_quick: MwmbAlert,
    pub page_slow: MwmbAlert,
    pub ticket_quick: MwmbAlert,
    pub ticket_slow: MwmbAlert,
}

impl MwmbAlerts {
    /// The alert set for `slo`'s period and objective.
    pub fn new(slo: &Slo) -> Self {
        let error_budget = 100.0 - slo.objective;
        let alert = |w: &Window| {
            let hours_required = w.error_budget_percent * slo.period.go_hours() / 100.0;
            MwmbAlert {
                short: w.short,
                long: w.long,
                burn_rate_factor: hours_required / w.long.go_hours(),
                error_budget_percent: w.error_budget_percent,
                error_budget,
            }
        };
        MwmbAlerts {
            page_quick: alert(&slo.windows.page_quick),
            page_slow: alert(&slo.windows.page_slow),
            ticket_quick: alert(&slo.windows.ticket_quick),
            ticket_slow: alert(&slo.windows.ticket_slow),
        }
    }

    /// The distinct short and long windows, shortest first.
    pub fn windows(&self) -> Vec<Duration> {
        let mut ws: Vec<Duration> = [
            self.page_quick,
            self.page_slow,
            self.ticket_quick,
            self.ticket_slow,
        ]
        .iter()
        .flat_map(|a| [a.short, a.long])
        .collect();
        ws.sort();
        ws.dedup();
        ws
    }
}
